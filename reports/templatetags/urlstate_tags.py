"""Template tags over reports/urlstate.py: {% url_with request.GET page=2 %} and friends."""
from django import template

from reports import urlstate

register = template.Library()


@register.simple_tag
def url_with(params, **changes):
    """Current query with ``changes`` applied, e.g. {% url_with request.GET o="-year" %}."""
    return urlstate.url_with(params, changes)


@register.simple_tag
def url_without(params, name, value=None):
    return urlstate.url_without(params, name, value)


@register.simple_tag
def url_toggle(params, name, value="1"):
    return urlstate.url_toggle(params, name, value)
