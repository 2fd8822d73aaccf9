"""Third-party warnings never reach a user: quiet imports, and the real CLI's stderr."""

from __future__ import annotations

import logging
import os
import warnings

import pytest

from tests._cli import closed_port, run
from vmic._third_party import KNOWN_WARNINGS, KnownWarning, quiet_import


class CryptographyDeprecationWarning(UserWarning):
    """Named as cryptography's class is: entries match the category by name."""


def test_a_known_warning_of_the_package_is_logged_not_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.DEBUG, logger="vmic.third_party"),
        warnings.catch_warnings(record=True) as shown,
    ):
        warnings.simplefilter("always")
        with quiet_import("asyncssh"):
            warnings.warn("DSA is deprecated and so on", CryptographyDeprecationWarning, 1)
    assert shown == []
    assert "DSA is deprecated" in caplog.text
    assert "pyca/cryptography#15597" in caplog.text


@pytest.mark.parametrize(
    ("package", "text", "category"),
    [
        ("asyncssh", "something new", CryptographyDeprecationWarning),  # unknown text
        ("asyncssh", "DSA is deprecated", DeprecationWarning),  # another category
        ("pypsrp", "DSA is deprecated", CryptographyDeprecationWarning),  # another package
    ],
)
def test_any_other_warning_goes_on_as_it_was_raised(
    package: str, text: str, category: type[Warning]
) -> None:
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with quiet_import(package):
            warnings.warn(text, category, 1)
    assert [(type(w.message), str(w.message)) for w in shown] == [(category, text)]
    assert shown[0].filename == __file__


def test_an_unknown_warning_is_an_error_where_warnings_are_errors() -> None:
    # The suite runs with filterwarnings = error: an unlisted warning still fails loudly.
    with pytest.raises(UserWarning, match="unlisted"), quiet_import("yaml"):
        warnings.warn("unlisted", UserWarning, 1)


def test_every_entry_names_its_upstream_change() -> None:
    assert KNOWN_WARNINGS
    for entry in KNOWN_WARNINGS:
        assert isinstance(entry, KnownWarning)
        assert "#" in entry.upstream or "." in entry.upstream, entry


@pytest.mark.parametrize(
    "transport",
    [["--transport", "ssh"], ["--transport", "psrp"], ["--transport", "psrp", "--no-tls"]],
)
def test_the_cli_prints_one_line_on_stderr_against_a_closed_port(transport: list[str]) -> None:
    # As a user runs it: a fresh interpreter with Python's default warning filters.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    status, out, err = run(
        "doctor", "--host", "127.0.0.1", *transport, "--port", str(closed_port()),
        "--user", "x", "--no-prompt", env=env,
    )  # fmt: skip
    assert status == 3
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("vmic: error: cannot reach 127.0.0.1:")


def test_debug_shows_the_third_party_warnings() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    status, _out, err = run(
        "--debug", "doctor", "--host", "127.0.0.1", "--transport", "ssh",
        "--port", str(closed_port()), "--user", "x", "--no-prompt", env=env,
    )  # fmt: skip
    assert status == 3
    lines = err.splitlines()
    assert lines[-1].startswith("vmic: error: cannot reach 127.0.0.1:")
    # The warnings the import raised are logged by vmic.third_party, not printed raw.
    assert any(line.startswith("vmic: debug: vmic.third_party: ") for line in lines), err
    assert not any("Warning:" in line and "vmic: debug" not in line for line in lines), err
