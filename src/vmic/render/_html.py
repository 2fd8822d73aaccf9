"""Small HTML builders for the ``_repr_html_`` methods Jupyter calls.

Every value is escaped unless it is already :class:`Markup` (HTML this module built),
so a VM named ``<script>`` shows as text, and made :func:`~vmic.render.visible` first (the
one sanitising policy), so no control, bidi or invisible character reaches the page raw
and a lone surrogate reads ``\ud800`` as in every other format. The output is a fragment,
styled only with inline attributes that every notebook front end keeps.

>>> str(element("td", "<b>web</b>", class_="vm"))
'<td class="vm">&lt;b&gt;web&lt;/b&gt;</td>'
>>> str(element("tr", element("td", "a & b")))
'<tr><td>a &amp; b</td></tr>'
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from vmic.render._escape import visible

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["Markup", "code_block", "definitions", "element", "escape", "join", "table"]


class Markup(str):
    """Text that is already HTML: :func:`escape` leaves it as it is."""

    __slots__ = ()


def escape(value: object) -> Markup:
    """HTML for *value*: Markup as is, None as empty, booleans as yes/no, the rest escaped."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    if isinstance(value, bool):
        return Markup("yes" if value else "no")
    if isinstance(value, list | tuple | frozenset | set):
        items = sorted(value, key=str) if isinstance(value, frozenset | set) else value
        return Markup(", ".join(escape(item) for item in items))
    return Markup(html.escape(visible(str(value)), quote=True))


def join(parts: Iterable[object], separator: str = "") -> Markup:
    """Escape each part and join them."""
    return Markup(html.escape(separator).join(escape(part) for part in parts))


def element(tag: str, *children: object, **attributes: str) -> Markup:
    """``<tag attr="...">children</tag>``; attribute values and children are escaped.

    Attribute names ending in ``_`` lose it (``class_`` becomes ``class``).
    """
    rendered = "".join(
        f' {name.rstrip("_")}="{html.escape(visible(value), quote=True)}"'
        for name, value in attributes.items()
    )
    return Markup(f"<{tag}{rendered}>{join(children)}</{tag}>")


def table(
    headers: Sequence[object], rows: Iterable[Sequence[object]], *, caption: object = None
) -> Markup:
    """A table with a header row; cells are escaped unless they are Markup."""
    head = element("thead", element("tr", *(element("th", h) for h in headers)))
    body = element("tbody", *(element("tr", *(element("td", c) for c in row)) for row in rows))
    parts: list[object] = [] if caption is None else [element("caption", caption)]
    return element("table", *parts, head, body, class_="vmic")


def definitions(items: Iterable[tuple[object, object]]) -> Markup:
    """A two-column table of name and value (renders the same in every front end)."""
    rows = (element("tr", element("th", name), element("td", value)) for name, value in items)
    return element("table", element("tbody", *rows), class_="vmic")


def code_block(lines: Iterable[str]) -> Markup:
    """Commands in a ``<pre><code>`` block, one a line (each escaped on its own)."""
    return element("pre", element("code", join(lines, "\n")))
