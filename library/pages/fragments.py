"""HTML fragments written in Python where a template loop costs too much for its size.

A results page lists every facet value with its count (about 170 at 10,000 resources); Jinja
spends some 7 µs on each through a macro, this under 2. The markup is the one the templates
would give; every value is escaped with markupsafe, as Jinja's autoescape would.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from markupsafe import Markup, escape

from .presenter import FacetValue


def facet_values(values: Iterable[FacetValue]) -> Markup:
    """One ``<li>`` per facet value: a link that adds or removes the filter, its label and
    count; a selected value is marked as current, with a hidden "Remove filter:" for screen
    readers."""
    items = []
    remove = None
    for v in values:
        if v.selected:
            if remove is None:
                remove = escape(_("Remove filter:"))
            items.append(
                f'<li><a href="{escape(v.toggle_url)}" aria-current="true" class="selected">'
                f'<span class="visually-hidden">{remove} </span>'
                f'<span class="label">{escape(v.label)}</span> '
                f'<span class="count">{escape(v.count)}</span></a></li>'
            )
        else:
            items.append(
                f'<li><a href="{escape(v.toggle_url)}"><span class="label">{escape(v.label)}'
                f'</span> <span class="count">{escape(v.count)}</span></a></li>'
            )
    return Markup("".join(items))
