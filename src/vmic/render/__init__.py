r"""Every rendering vmic does: text tables, Markdown, CSV, JSON and HTML, over plain data.

One table writer (:func:`text_table`, :func:`markdown_table`, :func:`csv_text`), one JSON
writer (:func:`json_text`), one Markdown escaper (:func:`markdown_escape`) and one
text-sanitising policy (:func:`visible`, :func:`json_visible`, :func:`encodable`) that
every output format follows, monitoring outputs and one-line results included:

- text formats (tables, plain text, Markdown, CSV cells, HTML text and attributes) spell
  out every C0 and C1 control, DEL, line and paragraph separator, bidi control,
  zero-width character and lone surrogate (``\x7f``, ``\u202e``, ``\ud800``), so a name
  can neither forge a line nor reorder or hide text, and always encodes;
- JSON is :mod:`json` plus :func:`json_visible`: valid whatever a name holds, every value
  round-trips, and the text shows none of those characters raw (they are ``\u`` escapes);
- Markdown escapes its syntax too, passes no raw HTML, and a name cannot close a code fence;
- CSV keeps a formula-like cell as text (:func:`spreadsheet_safe`).

The renderers take the plain data the models give (``to_dict()`` and the words to show);
this package imports nothing of vmic but :mod:`vmic.errors`, so every layer may use it.
Models' ``render()``/``_repr_html_()`` delegate here; the CLI only chooses a renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vmic._lazy import lazy_face

if TYPE_CHECKING:
    from vmic.render._audit import (
        audit_csv as audit_csv,
        audit_headline as audit_headline,
        audit_html as audit_html,
        audit_markdown as audit_markdown,
        audit_text as audit_text,
    )
    from vmic.render._diagnosis import (
        diagnoses_markdown as diagnoses_markdown,
        diagnoses_text as diagnoses_text,
        diagnosis_html as diagnosis_html,
        diagnosis_markdown as diagnosis_markdown,
        diagnosis_text as diagnosis_text,
        finding_html as finding_html,
        vm_html as vm_html,
    )
    from vmic.render._escape import (
        encodable as encodable,
        json_visible as json_visible,
        markdown_code as markdown_code,
        markdown_escape as markdown_escape,
        shown as shown,
        spreadsheet_safe as spreadsheet_safe,
        visible as visible,
        visible_lines as visible_lines,
    )
    from vmic.render._fleet import (
        fleet_fragment as fleet_fragment,
        fleet_page as fleet_page,
        observation_fragment as observation_fragment,
    )
    from vmic.render._progress import (
        ElapsedLine as ElapsedLine,
        TerminalProgress as TerminalProgress,
    )
    from vmic.render._rules import (
        matrix_markdown_text as matrix_markdown_text,
        matrix_sections_markdown as matrix_sections_markdown,
        matrix_text as matrix_text,
        plan_html as plan_html,
        plan_markdown as plan_markdown,
        plan_text as plan_text,
        rule_html as rule_html,
        support_markdown as support_markdown,
        support_text as support_text,
        update_table_html as update_table_html,
    )
    from vmic.render._tables import (
        FORMATS as FORMATS,
        Footnotes as Footnotes,
        cell_text as cell_text,
        csv_text as csv_text,
        header_words as header_words,
        in_words as in_words,
        json_text as json_text,
        markdown_table as markdown_table,
        render_records as render_records,
        text_table as text_table,
        wrap_words as wrap_words,
    )
    from vmic.render._terminal import (
        colour_enabled as colour_enabled,
        paint_verdict as paint_verdict,
        terminal_width as terminal_width,
    )

__all__, __getattr__, __dir__ = lazy_face(
    __name__,
    {
        "ElapsedLine": "._progress",
        "FORMATS": "._tables",
        "Footnotes": "._tables",
        "TerminalProgress": "._progress",
        "audit_csv": "._audit",
        "audit_headline": "._audit",
        "audit_html": "._audit",
        "audit_markdown": "._audit",
        "audit_text": "._audit",
        "cell_text": "._tables",
        "colour_enabled": "._terminal",
        "csv_text": "._tables",
        "diagnoses_markdown": "._diagnosis",
        "diagnoses_text": "._diagnosis",
        "diagnosis_html": "._diagnosis",
        "diagnosis_markdown": "._diagnosis",
        "diagnosis_text": "._diagnosis",
        "encodable": "._escape",
        "finding_html": "._diagnosis",
        "fleet_fragment": "._fleet",
        "fleet_page": "._fleet",
        "header_words": "._tables",
        "in_words": "._tables",
        "json_text": "._tables",
        "json_visible": "._escape",
        "markdown_code": "._escape",
        "observation_fragment": "._fleet",
        "markdown_escape": "._escape",
        "markdown_table": "._tables",
        "matrix_markdown_text": "._rules",
        "support_text": "._rules",
        "support_markdown": "._rules",
        "plan_text": "._rules",
        "plan_markdown": "._rules",
        "matrix_text": "._rules",
        "matrix_sections_markdown": "._rules",
        "paint_verdict": "._terminal",
        "plan_html": "._rules",
        "render_records": "._tables",
        "shown": "._escape",
        "rule_html": "._rules",
        "spreadsheet_safe": "._escape",
        "terminal_width": "._terminal",
        "text_table": "._tables",
        "update_table_html": "._rules",
        "visible": "._escape",
        "visible_lines": "._escape",
        "vm_html": "._diagnosis",
        "wrap_words": "._tables",
    },
)
