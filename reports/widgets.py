"""A <select> widget that joins its options as strings instead of rendering a template per option.

The region selects of /reports/ list up to ~400 regions; Django's per-option widget templates
took 20–26 ms of each request to render them (issue 11). Joining escaped strings takes well
under a millisecond, needs no cache (so nothing to invalidate when regions change, in any of
the server's processes), and gives the same HTML. The region choices themselves come from
values_list rows rather than model instances, for the same reason.
"""
import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from agencies.english_names import localized


class JoinedSelect(forms.Select):
    """forms.Select for flat choices (no option groups), rendered by a join."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        selected = set(self.format_value(value))
        # In the order given, as Django's attrs.html writes them (flatatt would sort them).
        opening = "".join(f" {k}" if v is True else f' {k}="{conditional_escape(v)}"'
                          for k, v in final.items() if v is not False and v is not None)
        parts = [f"<select{opening}>"]
        for option_value, option_label in self.choices:
            key = "" if option_value is None else str(option_value)
            mark = " selected" if key in selected else ""
            parts.append(f'<option value="{conditional_escape(key)}"{mark}>{conditional_escape(option_label)}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))


class RegionChoiceIterator(ModelChoiceIterator):
    """Region choices as (id, name in the page's language) read with values_list: building a
    Region instance per option cost more than the query for the ~370 options of /reports/."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, name_en in self.queryset.values_list("pk", "name", "name_en"):
            yield (pk, localized(name, name_en))


class RegionChoiceField(forms.ModelChoiceField):
    iterator = RegionChoiceIterator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", JoinedSelect)
        super().__init__(*args, **kwargs)


class RegionChoiceFilter(django_filters.ModelChoiceFilter):
    """A region filter whose <select> is joined from plain rows (see above)."""

    field_class = RegionChoiceField
