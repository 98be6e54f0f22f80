"""Which vendored plotly.js bundle a chart kind needs (static/vendor/README.md): the one place that decides.

The full plotly.min.js was 98% of a chart page's first load (issue 11); plotly's partial bundles
hold only the trace types drawn here: bar and scatter (lines) in `basic`, choropleth in `geo`.
"""
from __future__ import annotations

BUNDLES = {"basic": "vendor/plotly-basic.min.js", "geo": "vendor/plotly-geo.min.js"}
STYLESHEET = "vendor/plotly.css"
# Chart kinds (compare's `chart` parameter, "trend" for the agency page) that need another bundle
# than basic.
KIND_BUNDLE = {"map": "geo"}


def bundle_for(kind: str) -> str:
    """The static path of the bundle that draws charts of `kind`."""
    return BUNDLES[KIND_BUNDLE.get(kind, "basic")]
