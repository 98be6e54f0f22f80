"""The /methodology/ page: metric definitions, harmonized categories, rate and interval formulas."""
from django.shortcuts import render

from reports.compare import MIN_REQUESTS, PARAMETERS
from reports.parsing.metrics import CORE, HARMONIZED, label
from reports.rates import RATE_LABELS, RATES


def methodology(request):
    categories = [{
        "code": cat, "zh": zh, "en": en,
        # The first alternative is what 2019/2021 template reports state; later ones stand in
        # for older statistics tables and prose.
        "alternatives": [[(code, label(code, "zh"), label(code, "en")) for code in alt] for alt in alts],
    } for cat, zh, en, alts in HARMONIZED]
    rates = [{
        "name": name, "zh": RATE_LABELS[name][0], "en": RATE_LABELS[name][1],
        "numerator": numerator, "denominator": denominator, "scale": scale,
    } for name, (numerator, denominator, scale) in RATES.items()]
    return render(request, "reports/methodology.html", {
        "metrics": CORE, "categories": categories, "rates": rates,
        "min_requests": MIN_REQUESTS, "parameters": PARAMETERS,
    })
