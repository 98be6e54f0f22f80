"""{% language_links %}: the current page (path and query) in every language, for the switcher and hreflang."""
from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """[{code, name (in its own language), url, current}] for settings.LANGUAGES. The URLs stay
    relative: an intranet page names no host, and nothing is indexed from outside."""
    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(here, code)
        links.append({
            "code": code, "name": get_language_info(code)["name_local"], "url": url,
            "current": code == current,
        })
    return links
