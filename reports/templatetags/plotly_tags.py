"""{% plotly_assets kind %}: the stylesheet and the one plotly.js bundle a page with a chart of `kind` loads."""
from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from reports.plotly_bundles import STYLESHEET, bundle_for

register = template.Library()


@register.simple_tag
def plotly_assets(kind):
    # id + class "no-inline-styles" tell plotly.js its rules are present, so it injects no <style>
    # element, which the Content-Security-Policy would refuse (static/vendor/README.md).
    return format_html(
        '<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" href="{}">\n'
        '<script src="{}" defer></script>',
        static(STYLESHEET), static(bundle_for(kind)),
    )
