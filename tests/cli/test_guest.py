"""``vmic guest``: research notes behind --verbose, said once; always in the JSON."""

from __future__ import annotations

import json

import pytest

from tests._cli import in_process
from vmic import IntegrationService
from vmic.cli._guest import render
from vmic.clients import LinuxGuest
from vmic.diagnosis._guest import GuestReport, diagnose_linux_guest
from vmic.render._rules import SOURCES_HINT
from vmic.testing import FakeHyperVHost

_UNVERIFIED = "Unverified for this distribution"


def _report(os_text: str, *, stopped: bool = False) -> GuestReport:
    """The guest's own report of a lab VM (its daemons stopped: findings to explain)."""
    lab = FakeHyperVHost("HV01")
    vm = lab.add_vm("g", os_text)
    vm.enable_on_host(IntegrationService.GUEST_SERVICE_INTERFACE)
    if stopped:
        for service in (IntegrationService.KEY_VALUE_PAIR_EXCHANGE, IntegrationService.VSS):
            vm.remove_daemon(service)
    return diagnose_linux_guest(LinuxGuest(lab.guest_executor("g")).observe())


@pytest.mark.parametrize("output_format", ["table", "markdown"])
def test_an_unverified_distribution_is_said_once_and_only_with_verbose(
    output_format: str,
) -> None:
    report = _report("Ubuntu 22.04", stopped=True)
    assert report.findings  # each finding would have repeated the note
    assert any(source.startswith(_UNVERIFIED) for source in report.sources)
    assert not any(_UNVERIFIED in finding.explanation for finding in report.findings)
    plain = render(report, output_format)
    assert _UNVERIFIED not in plain
    assert plain.count(SOURCES_HINT) == 1
    verbose = render(report, output_format, verbose=True)
    assert verbose.count(_UNVERIFIED) == 1
    assert SOURCES_HINT not in verbose


def test_a_daemon_the_release_does_not_package_is_a_note_its_source_a_source() -> None:
    report = _report("Debian GNU/Linux 13 (trixie)")
    (note,) = [n for n in report.notes if "file-copy daemon" in n]
    assert "6.10-1~exp1" not in note  # the changelog entry is where it comes from...
    assert any("6.10-1~exp1" in source for source in report.sources)  # ...a source
    plain = render(report, "table")
    assert note in plain
    assert "6.10-1~exp1" not in plain
    assert "6.10-1~exp1" in render(report, "table", verbose=True)


def test_a_verified_distribution_has_no_sources_line() -> None:
    report = _report("Debian GNU/Linux 12 (bookworm)")
    assert report.sources == ()
    assert "Sources" not in render(report, "table", verbose=True)
    assert "Sources" not in render(report, "table")


def test_this_machine_takes_verbose_and_its_json_always_has_the_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = in_process(capsys, "guest", "--verbose")
    assert status in {0, 1}, err
    assert out.startswith("Guest: ")
    status, out, err = in_process(capsys, "guest", "--format", "json")
    assert status in {0, 1}, err
    document = json.loads(out)
    assert isinstance(document["sources"], list)
    assert all(isinstance(source, str) for source in document["sources"])
