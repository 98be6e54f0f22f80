"""The /methodology/ page: metric definitions, harmonized categories, rate and interval formulas."""
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from reports.forms import MIN_REQUESTS, PARAMETERS
from reports.parsing.metrics import CORE, HARMONIZED, label
from reports.rates import RATE_LABELS, RATES


# The catalog (pure library) names units in Chinese; the page shows them in the active language.
UNITS = {"件": gettext_lazy("件"), "元": gettext_lazy("元"), "条": gettext_lazy("条")}


def methodology(request):
    metrics = [{"code": m.code, "zh": m.zh, "en": m.en, "unit": UNITS.get(m.unit, m.unit)} for m in CORE]
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
        "metrics": metrics, "categories": categories, "rates": rates,
        "min_requests": MIN_REQUESTS, "parameters": PARAMETERS, "coverage_url": reverse("reports:coverage"),
    })
