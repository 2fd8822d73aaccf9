"""Terminal width and colour follow COLUMNS, the terminal, NO_COLOR and FORCE_COLOR."""

from __future__ import annotations

import io

import pytest

from tests import _diagnosis_builders as b
from vmic import IntegrationService
from vmic.diagnosis import diagnose
from vmic.errors import ConfigurationError
from vmic.render import colour_enabled, paint_verdict, render_records, terminal_width


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_width_comes_from_columns_else_nothing_for_a_pipe() -> None:
    assert terminal_width(io.StringIO(), {"COLUMNS": "72"}) == 72
    assert terminal_width(io.StringIO(), {"COLUMNS": "wide"}) is None
    assert terminal_width(io.StringIO(), {}) is None
    # A terminal whose size cannot be read (no file descriptor): no limit rather than a guess.
    assert terminal_width(_Terminal(), {}) is None


@pytest.mark.parametrize(
    ("stream", "env", "expected"),
    [
        (io.StringIO(), {}, False),
        (_Terminal(), {}, True),
        (_Terminal(), {"TERM": "dumb"}, False),
        (_Terminal(), {"NO_COLOR": "1"}, False),
        (io.StringIO(), {"FORCE_COLOR": "1"}, True),
        (io.StringIO(), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (_Terminal(), {"NO_COLOR": ""}, True),  # an empty NO_COLOR does not count
    ],
)
def test_colour_follows_the_conventions(
    stream: io.StringIO, env: dict[str, str], expected: bool
) -> None:
    assert colour_enabled(stream, env) is expected


def test_paint_verdict() -> None:
    assert paint_verdict("functioning") == "\x1b[32mfunctioning\x1b[0m"
    assert paint_verdict("3 findings", "3") == "\x1b[31m3\x1b[0m"
    assert paint_verdict("not available") == "not available"


def test_unknown_formats_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown output format 'xml'"):
        render_records([], ("a",), "xml")
    diagnosis = diagnose(
        b.host(b.vm("web", overrides={IntegrationService.SHUTDOWN: {"enabled": False}}))
    )
    with pytest.raises(ConfigurationError, match="unknown diagnosis format 'xml'"):
        diagnosis.render("xml")
    assert '"vm": "web"' in diagnosis.render("json")
    assert "web: 1 finding" in diagnosis.render("table", width=40)
    assert "### web: 1 finding" in diagnosis.render("markdown", verbose=True)
