"""The simulated host and guests on their own: the specification's commands, faults, records."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest

from vmic import (
    AuthenticationFailedError,
    CommandTimeoutError,
    ConfigurationError,
    ConnectionFailedError,
    IntegrationService,
    OperationalStatus,
    RegistryValueNotFoundError,
    StartType,
    UnknownCommandError,
    UnknownOperatingSystemError,
    VmicError,
    WindowsServiceStatus,
)
from vmic.clients import AmbiguousVMError, HyperVHost, VMNotFoundError, WindowsGuest
from vmic.executors import Command, Secret, Shell
from vmic.model._records import IntegrationComponentRecord
from vmic.parsers._integration_services import parse_vm_integration_services
from vmic.parsers._linux import parse_compgen, parse_lsmod, parse_ps
from vmic.parsers._registry import parse_integration_services_version
from vmic.parsers._services import parse_get_service
from vmic.parsers._vms import parse_get_vm
from vmic.testing import FakeHyperVHost, Fault, FaultKind, RecordedCommand, _render
from vmic.testing._shell import PS_ECHO, PS_HANG

REG_QUERY = (
    r'REG QUERY "HKLM\Software\Microsoft\Virtual Machine\Auto" /v IntegrationServicesVersion'
)
GSI = IntegrationService.GUEST_SERVICE_INTERFACE
KVP = IntegrationService.KEY_VALUE_PAIR_EXCHANGE


def _ps(script: str) -> Command:
    return Command(Shell.POWERSHELL, script)


def _sh(script: str) -> Command:
    return Command(Shell.POSIX, script)


@pytest.fixture
def lab() -> FakeHyperVHost:
    host = FakeHyperVHost("HV01")
    host.add_vm("DemoVM", "Windows Server 2019")
    host.add_vm("web01", "Ubuntu 22.04 LTS")
    return host


# --- the specification's host commands --------------------------------------------------------


def test_get_vmintegrationservice_has_the_shape_of_the_specification(lab: FakeHyperVHost) -> None:
    text = lab.run(_ps('Get-VMIntegrationService -VMName "DemoVM"')).stdout
    lines = text.splitlines()
    assert lines[1].split() == [
        "VMName",
        "Name",
        "Enabled",
        "PrimaryStatusDescription",
        "SecondaryStatusDescription",
    ]
    assert lines[3].split() == ["DemoVM", "Guest", "Service", "Interface", "False", "OK"]
    assert lines[4].split() == ["DemoVM", "Heartbeat", "True", "OK", "OK"]
    records = parse_vm_integration_services(text)
    assert [r.service for r in records] == list(IntegrationService)
    assert [r.enabled for r in records] == [False, True, True, True, True, True]


def test_enable_by_the_name_the_host_shows(lab: FakeHyperVHost) -> None:
    command = _ps('Enable-VMIntegrationService -VMName "DemoVM" -Name "Guest Service Interface"')
    result = lab.run(command)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert lab.vm("DemoVM").integration.state(GSI).host_enabled is True
    text = lab.run(_ps('Get-VMIntegrationService -VMName "DemoVM"')).stdout
    assert parse_vm_integration_services(text)[0].enabled is True
    lab.run(_ps("Disable-VMIntegrationService -Name Shutdown,VSS -VMName DemoVM"))
    state = lab.vm("DemoVM").integration
    assert state.state(IntegrationService.SHUTDOWN).host_enabled is False
    assert state.state(IntegrationService.VSS).host_enabled is False
    assert [(c.action, c.mutating) for c in lab.commands] == [
        ("enable-vmintegrationservice", True),
        ("get-vmintegrationservice", False),
        ("disable-vmintegrationservice", True),
    ]


def test_german_host_matches_names_in_german(lab: FakeHyperVHost) -> None:
    berlin = FakeHyperVHost("HV-BERLIN", locale="de-DE")
    berlin.add_vm("DemoVM")
    failed = berlin.run(_ps('Enable-VMIntegrationService -VMName "DemoVM" -Name "Heartbeat"'))
    assert failed.exit_code == 1
    assert "Es wurde keine Integrationskomponente mit dem angegebenen Namen gefunden" in (
        failed.stderr
    )
    ok = berlin.run(_ps("Disable-VMIntegrationService -VMName 'DemoVM' -Name 'takt'"))
    assert ok.exit_code == 0
    heartbeat = berlin.vm("DemoVM").integration.state(IntegrationService.HEARTBEAT)
    assert heartbeat.host_enabled is False
    text = berlin.run(_ps("Get-VMIntegrationService DemoVM Takt")).stdout
    (record,) = parse_vm_integration_services(text)
    assert (record.name, record.enabled, record.service) == (
        "Takt",
        False,
        IntegrationService.HEARTBEAT,
    )


def test_a_missing_vm_is_an_error_like_hyperv_gives(lab: FakeHyperVHost) -> None:
    result = lab.run(_ps('Get-VMIntegrationService -VMName "Nope"'))
    assert result.exit_code == 1
    assert 'unable to find a virtual machine with name "Nope"' in result.stderr


def test_get_vm_table(lab: FakeHyperVHost) -> None:
    records = parse_get_vm(lab.run(_ps("Get-VM")).stdout)
    assert [r.name for r in records] == ["DemoVM", "web01"]


# --- the specification's guest commands -------------------------------------------------------


def test_windows_guest_commands(lab: FakeHyperVHost) -> None:
    guest = lab.guest_executor("DemoVM")
    reg = guest.run(_ps(REG_QUERY))
    assert str(parse_integration_services_version(reg.stdout)) == "10.0.17763.1"
    listed = parse_get_service(guest.run(_ps("Get-Service -Name vm*")).stdout)
    assert [r.name for r in listed][:2] == ["vmicguestinterface", "vmicheartbeat"]
    assert all(r.start_type is None for r in listed)
    wide = guest.run(_ps("Get-Service -Name vmic* | FT -AutoSize")).stdout
    assert "Hyper-V Remote Desktop Virtualization Service" in wide
    narrow = guest.run(_ps("Get-Service -Name vm*")).stdout
    assert "Hyper-V Remote Desktop Virtualizati..." in narrow
    assert guest.run(_ps("Stop-Service -Name vmicvss")).exit_code == 0
    assert lab.vm("DemoVM").integration.state(IntegrationService.VSS).running is False
    assert guest.run(_ps("Set-Service -Name vmicvss -StartupType Disabled")).exit_code == 0
    refused = guest.run(_ps("Start-Service vmicvss"))
    assert refused.exit_code == 1
    assert "cannot be started" in refused.stderr
    missing = guest.run(_ps("Stop-Service -Name vmicfoo"))
    assert "Cannot find any service with service name 'vmicfoo'" in missing.stderr


def test_reg_query_without_integration_services_reports_the_error() -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("bare", "Windows Server 2019", installed=False)
    typed = REG_QUERY.replace("REG QUERY", "reg query").replace("HKLM", "HKEY_LOCAL_MACHINE")
    result = lab.guest_executor("bare").run(_ps(typed))
    assert result.exit_code == 1
    with pytest.raises(RegistryValueNotFoundError):
        parse_integration_services_version(result.stderr)


def test_linux_guest_commands_of_the_specification(lab: FakeHyperVHost) -> None:
    guest = lab.guest_executor("web01")
    grep = guest.run(_sh("lsmod | grep hv_utils")).stdout
    assert [m.name for m in parse_lsmod(grep).modules] == ["hv_utils", "hv_vmbus"]
    assert parse_lsmod(guest.run(_sh("lsmod")).stdout).get("hv_netvsc") is not None
    processes = parse_ps(guest.run(_sh("ps -ef | grep hv")).stdout, keep_grep=True)
    commands = [p.command for p in processes]
    assert "[hv_vmbus_con]" in commands
    assert "grep hv" in commands
    daemons = [p for p in processes if p.daemon == "hv_kvp_daemon"]
    assert len(daemons) == 1
    assert daemons[0].command.startswith("/usr/lib/linux-tools/5.15.0-91-generic/hv_kvp_daemon")
    names = parse_compgen(guest.run(_sh("compgen -c hv_")).stdout).names
    assert set(names) >= {"hv_kvp_daemon", "hv_vss_daemon", "hv_fcopy_daemon", "hv_get_dns_info"}
    typo = guest.run(_sh("ps -ef | hv"))
    assert (typo.exit_code, typo.stderr) == (127, "sh: 1: hv: not found\n")


def test_the_specifications_kill_and_restart_of_the_kvp_daemon(lab: FakeHyperVHost) -> None:
    guest = lab.guest_executor("web01")
    first = guest.run(_sh("pidof hv_kvp_daemon")).stdout.split()
    assert len(first) == 1
    assert guest.run(_sh("sudo kill -15 `pidof hv_kvp_daemon`")).exit_code == 0
    assert guest.run(_sh("pidof hv_kvp_daemon")).exit_code == 1
    after_kill = parse_ps(guest.run(_sh("ps -ef")).stdout)
    assert not [p for p in after_kill if p.daemon == "hv_kvp_daemon"]
    lab.settle()
    assert guest.run(_sh("pidof hv_kvp_daemon")).exit_code == 1  # Hyper-V does not restart it
    assert guest.run(_sh("sudo hv_kvp_daemon")).exit_code == 0
    second = guest.run(_sh("pidof hv_kvp_daemon")).stdout.split()
    assert len(second) == 1
    assert second != first  # a new process id, as the specification says to check
    again = guest.run(_sh("sudo hv_kvp_daemon"))
    assert again.exit_code == 1
    assert "Device or resource busy" in again.stderr
    nothing = guest.run(_sh("sudo kill -15 $(pidof hv_vss_daemon) 999999"))
    assert "kill: (999999) - No such process" in nothing.stderr
    usage = guest.run(_sh("kill -15"))
    assert usage.exit_code == 2


def test_systemctl_commands(lab: FakeHyperVHost) -> None:
    guest = lab.guest_executor("web01")
    assert guest.run(_sh("systemctl is-active hv-kvp-daemon")).stdout == "active\n"
    assert guest.run(_sh("sudo systemctl stop hv-kvp-daemon.service")).exit_code == 0
    inactive = guest.run(_sh("systemctl is-active hv-kvp-daemon"))
    assert (inactive.stdout, inactive.exit_code) == ("inactive\n", 3)
    missing = guest.run(_sh("sudo systemctl start hypervkvpd"))
    assert missing.exit_code == 5
    assert guest.run(_sh("sudo systemctl start hv-kvp-daemon")).exit_code == 0


# --- unknown commands and records -------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        "Remove-VM -Name DemoVM",
        "Get-VMIntegrationService -VMName $name",
        "Get-VMIntegrationService -VMName (Get-Content names.txt)",
        "Get-VM | Stop-VM",
        "Get-CimInstance -ClassName Msvm_SummaryInformation",
        "",
    ],
)
@pytest.mark.seeded_violations
def test_the_host_raises_on_anything_it_does_not_understand(
    lab: FakeHyperVHost, script: str
) -> None:
    with pytest.raises(UnknownCommandError, match="HV01 does not understand"):
        lab.run(_ps(script))
    assert lab.commands[-1] == RecordedCommand("HV01", _ps(script), None, False)


@pytest.mark.parametrize(
    ("script", "error"),
    [
        (
            "Enable-VMIntegrationService -VMName DemoVM",
            (
                "Enable-VMIntegrationService : Cannot process command because of one or more "
                "missing mandatory parameters: Name."
            ),
        ),
        (
            "Get-VMIntegrationService -VMName DemoVM -Bogus",
            (
                "Get-VMIntegrationService : A parameter cannot be found that matches parameter "
                "name 'Bogus'."
            ),
        ),
        (
            "Get-VM -Name DemoVM -Id 7cca7664-91d0-40a9-9769-7809f256f603",
            "Get-VM : Parameter set cannot be resolved using the specified named parameters.",
        ),
        ("Get-VM && Get-VM", "The token '&&' is not a valid statement separator in this version."),
        (
            "Get-Error",
            (
                "The term 'Get-Error' is not recognized as the name of a cmdlet, function, script "
                "file, or operable program."
            ),
        ),
    ],
)
@pytest.mark.seeded_violations
def test_the_host_refuses_what_windows_powershell_refuses(
    lab: FakeHyperVHost, script: str, error: str
) -> None:
    result = lab.run(_ps(script))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == error + "\r\n"
    if "&&" in script:  # PowerShell 7 parses it (and the lab runs no such chain)
        seven = FakeHyperVHost("HV7", powershell="7")
        with pytest.raises(UnknownCommandError, match="HV7 does not understand"):
            seven.run(_ps(script))


def test_shells_must_match(lab: FakeHyperVHost) -> None:
    with pytest.raises(UnknownCommandError):
        lab.run(_sh("Get-VM"))
    with pytest.raises(UnknownCommandError, match="HV01/web01"):
        lab.guest_executor("web01").run(_ps("lsmod"))
    with pytest.raises(UnknownCommandError, match="HV01/DemoVM"):
        lab.guest_executor("DemoVM").run(_sh("lsmod"))
    with pytest.raises(UnknownCommandError):
        lab.guest_executor("web01").run(_sh("rm -rf / ; lsmod"))


def test_every_command_is_recorded_in_order_even_failing_ones(lab: FakeHyperVHost) -> None:
    client = HyperVHost(lab)
    client.observe()
    with pytest.raises(UnknownCommandError):
        lab.run(_ps("Get-Date"))
    lab.fault = Fault.refused()
    with pytest.raises(ConnectionFailedError):
        client.observe()
    assert [(c.target, c.action, c.mutating) for c in lab.commands] == [
        ("HV01", "inventory", False),
        ("HV01", None, False),
        ("HV01", "inventory", False),
    ]
    guest = lab.guest_executor("web01")
    guest.run(_sh("lsmod"))
    assert [c.target for c in guest.commands] == ["HV01/web01"]
    assert len(lab.commands) == 3


def test_secrets_are_redacted_from_answers(lab: FakeHyperVHost) -> None:
    result = lab.run(Command(Shell.POWERSHELL, PS_ECHO, parameters={"Value": Secret("s3cr3t")}))
    assert result.stdout == "***"
    assert "s3cr3t" not in repr(lab.commands[-1])


# --- faults, latency, power -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        (FaultKind.TIMEOUT, CommandTimeoutError),
        (FaultKind.CONNECTION_REFUSED, ConnectionFailedError),
        (FaultKind.AUTHENTICATION_FAILED, AuthenticationFailedError),
    ],
)
def test_faults_raise_per_host_and_per_guest(
    lab: FakeHyperVHost, kind: FaultKind, error: type[VmicError]
) -> None:
    other = FakeHyperVHost("HV02")
    other.add_vm("x")
    lab.fault = Fault(kind)
    with pytest.raises(error) as info:
        lab.run(Command(Shell.POWERSHELL, "Get-VM", timeout=5.0))
    assert isinstance(info.value, VmicError)
    assert len(other.run(_ps("Get-VM")).stdout) > 0  # other hosts are unaffected
    lab.fault = None
    assert lab.run(_ps("Get-VM")).ok
    vm = lab.vm("web01")
    vm.guest_fault = Fault(kind)
    with pytest.raises(error):
        lab.guest_executor("web01").run(_sh("lsmod"))
    assert lab.guest_executor("DemoVM").run(_ps("Get-Service -Name vm*")).ok
    assert lab.run(_ps("Get-VM")).ok


def test_timeout_fault_carries_the_command(lab: FakeHyperVHost) -> None:
    lab.fault = Fault.timeout()
    command = Command(Shell.POWERSHELL, "Get-VM", timeout=30.0)
    with pytest.raises(CommandTimeoutError) as info:
        lab.run(command)
    assert info.value.command == command
    assert info.value.timeout == 30.0


def test_garbage_fault_answers_with_unreadable_output(lab: FakeHyperVHost) -> None:
    lab.fault = Fault.garbage(times=1)
    result = lab.run(_ps("Get-VM"))
    assert result.ok
    assert result.stdout.startswith("#< CLIXML")
    assert lab.run(_ps("Get-VM")).stdout != result.stdout


def test_latency_is_settable_and_reported_as_duration(lab: FakeHyperVHost) -> None:
    lab.latency = 0.01
    assert lab.run(_ps("Get-VM")).duration == 0.01
    vm = lab.vm("web01")
    assert lab.guest_executor("web01").run(_sh("lsmod")).duration == 0.01
    vm.guest_latency = 0.0
    assert lab.guest_executor("web01").run(_sh("lsmod")).duration == 0.0
    with pytest.raises(ConfigurationError):
        lab.latency = -1
    with pytest.raises(ConfigurationError):
        vm.guest_latency = float("nan")


def test_hang_times_out_without_waiting(lab: FakeHyperVHost) -> None:
    command = Command(Shell.POWERSHELL, PS_HANG, parameters={"PidFile": "x"}, timeout=600.0)
    with pytest.raises(CommandTimeoutError) as info:
        lab.run(command)
    assert info.value.stdout == "started\n"
    with pytest.raises(VmicError, match="never finishes"):
        lab.run(Command(Shell.POWERSHELL, PS_HANG, parameters={"PidFile": "x"}))


def test_a_vm_that_is_off(lab: FakeHyperVHost) -> None:
    vm = lab.vm("DemoVM")
    vm.power_off()
    with pytest.raises(ConnectionFailedError, match="HV01/DemoVM: the VM is off"):
        lab.guest_executor("DemoVM").run(_ps("Get-Service -Name vm*"))
    (entry,) = HyperVHost(lab).integration_services("DemoVM")
    assert all(c.primary_status is None for c in entry.services)
    assert entry.intrinsic_items == ()
    vm.power_on()
    (entry,) = HyperVHost(lab).integration_services("DemoVM")
    assert {c.primary_status for c in entry.services} == {OperationalStatus.OK}


def test_power_on_starts_linux_daemons_whose_unit_is_enabled(lab: FakeHyperVHost) -> None:
    vm = lab.vm("web01")
    vm.stop_service(KVP)
    vm.power_off()
    vm.power_on()
    assert vm.integration.state(KVP).running


# --- construction -----------------------------------------------------------------------------


def test_configuration_is_checked() -> None:
    with pytest.raises(ConfigurationError, match="cannot be a Hyper-V host"):
        FakeHyperVHost("HV", host_os="Windows 7")
    with pytest.raises(ConfigurationError, match="unknown locale"):
        FakeHyperVHost("HV", locale="xx-XX")
    with pytest.raises(ConfigurationError, match="powershell"):
        FakeHyperVHost("HV", powershell="6")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        FakeHyperVHost("")
    host = FakeHyperVHost("HV")
    with pytest.raises(UnknownOperatingSystemError):
        host.add_vm("x", "BeOS")
    with pytest.raises(ConfigurationError):
        host.add_vm("")
    with pytest.raises(ConfigurationError, match="not a VM id"):
        host.add_vm("x", vm_id="nope")
    host.add_vm("x", vm_id=uuid.UUID(int=1))
    with pytest.raises(ConfigurationError, match="already has a VM with id"):
        host.add_vm("y", vm_id=uuid.UUID(int=1))
    with pytest.raises(ConfigurationError, match="a fault must be"):
        host.fault = "boom"  # type: ignore[assignment]
    with pytest.raises(ValueError, match="positive integer"):
        Fault.refused(times=0)


def test_vm_lookup(lab: FakeHyperVHost) -> None:
    vm = lab.vm("DemoVM")
    assert lab.vm(vm.id) is vm
    with pytest.raises(VMNotFoundError, match="its VMs: 'DemoVM', 'web01'"):
        lab.vm("demovm")
    lab.add_vm("web01", "Windows Server 2022")
    with pytest.raises(AmbiguousVMError):
        lab.guest_executor("web01")


def test_ids_are_stable_across_labs() -> None:
    first = FakeHyperVHost("HV01").add_vm("a")
    second = FakeHyperVHost("HV01").add_vm("a")
    assert first.id == second.id
    assert FakeHyperVHost("HV02").add_vm("a").id != first.id


def test_guest_actions_follow_the_model(lab: FakeHyperVHost) -> None:
    vm = lab.vm("DemoVM")
    vm.set_startup("vmicvss", StartType.DISABLED)
    vm.stop_service("vmicvss")
    records = WindowsGuest(lab.guest_executor("DemoVM")).services()
    vss = next(r for r in records if r.name == "vmicvss")
    assert (vss.status, vss.start_type) == (WindowsServiceStatus.STOPPED, StartType.DISABLED)
    with pytest.raises(VmicError):
        vm.start_service("vmicvss")
    with pytest.raises(VmicError):
        vm.remove_daemon(KVP)
    with pytest.raises(VmicError):
        lab.vm("web01").uninstall_integration_services()


def test_concurrent_commands_from_threads_see_one_consistent_host() -> None:
    lab = FakeHyperVHost("HV01")
    for index in range(20):
        lab.add_vm(f"vm{index}")
    client = HyperVHost(lab)

    def toggle(index: int) -> int:
        client.enable(f"vm{index}", GSI)
        return len(client.observe().vms)

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(toggle, range(20)))
    assert counts == [20] * 20
    assert all(vm.integration.state(GSI).host_enabled for vm in lab.vms)
    assert len(lab.commands) == 40


@pytest.mark.parametrize("name", ["\ud800", "web\udfff01", "a\x00b"])
def test_names_without_an_encoding_are_refused_as_configuration_errors(name: str) -> None:
    # Issue 9, defect 8: not a UnicodeEncodeError from deep inside the simulated host.
    with pytest.raises(ConfigurationError):
        FakeHyperVHost(name)
    with pytest.raises(ConfigurationError):
        FakeHyperVHost("hv01").add_vm(name)


def test_cached_renderings_follow_every_change_of_state() -> None:
    # The lab keeps what it rendered for an unchanged state; each change must show.
    lab = FakeHyperVHost("HV-CACHE")
    vm = lab.add_vm("web", "Windows Server 2019")
    client = HyperVHost(lab)
    guest = WindowsGuest(lab.guest_executor("web"))
    first, again = client.observe(), client.observe()
    assert first == again
    assert guest.observe() == guest.observe()
    vm.disable_on_host(IntegrationService.HEARTBEAT)
    vm.stop_service(IntegrationService.VSS)
    changed = client.observe()
    heartbeat = changed.vms[0].service(IntegrationService.HEARTBEAT)
    assert heartbeat is not None
    assert not heartbeat.enabled
    services = {s.name: s for s in guest.observe().services or ()}
    assert services["vmicvss"].status is WindowsServiceStatus.STOPPED
    vm.power_off()
    assert client.observe().vms[0].state.value == "off"


def test_the_labs_component_rows_are_those_the_checked_constructor_builds() -> None:
    # The lab builds its Get-VMIntegrationService rows without running the records' checks
    # on every answer: each must be what the checked constructor makes of the same values.
    host = FakeHyperVHost("HV-ROWS")
    host.add_vm("web", "Windows Server 2019")
    host.add_vm("db", "Ubuntu 22.04", running=False)
    host.vms[0].host_set(IntegrationService.GUEST_SERVICE_INTERFACE, True)
    for vm in host.vms:
        for row in _render.component_records(vm):
            fields = {f.name: getattr(row, f.name) for f in attrs.fields(type(row))}
            assert IntegrationComponentRecord(**fields) == row
