"""``LinuxGuest.install``: the distribution's install command, every word bound as data."""

from __future__ import annotations

import pytest

import vmic
from vmic.clients import LinuxGuest
from vmic.model import IntegrationService
from vmic.testing import FakeHyperVHost

KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE


def _guest(os_name: str) -> tuple[FakeHyperVHost, LinuxGuest]:
    host = FakeHyperVHost("HV01")
    vm = host.add_vm("db", os_name)
    vm.remove_daemon(KVP)
    host.settle()
    return host, LinuxGuest(host.guest_executor("db"))


def test_install_uses_the_distributions_command_and_the_daemon_then_exists() -> None:
    host, guest = _guest("Red Hat Enterprise Linux 9")
    before = guest.observe().service(KVP)
    assert before is not None
    assert not before.installed
    assert guest.install(KVP) == ("hyperv-daemons",)
    after = guest.observe().service(KVP)
    assert after is not None
    assert after.installed
    sent = [c for c in host.guest_executor("db").commands if c.action == "install-packages"]
    assert [c.command.parameters["Install"] for c in sent] == [
        ("yum", "install", "-y", "hyperv-daemons")
    ]
    assert all(c.mutating for c in sent)


def test_ubuntu_installs_its_own_package_by_its_own_manager() -> None:
    host, guest = _guest("Ubuntu 22.04 LTS")
    packages = guest.install("hv_kvp_daemon")
    sent = [c for c in host.guest_executor("db").commands if c.action == "install-packages"]
    words = sent[0].command.parameters["Install"]
    assert isinstance(words, tuple)
    assert words[0] == "apt-get"
    assert words[-len(packages) :] == packages
    for package in packages:
        assert package not in sent[0].command.script


def test_a_kernel_only_service_has_nothing_to_install() -> None:
    _, guest = _guest("Ubuntu 22.04 LTS")
    with pytest.raises(vmic.ConfigurationError):
        guest.install(IntegrationService.HEARTBEAT)
