"""The diagnosis: each cause found from hand-made observations, with the right fix."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import attrs
import pytest

from tests import _diagnosis_builders as b
from vmic import (
    IntegrationService,
    OperationalStatus,
    StartType,
    WindowsServiceStatus,
    parse_os,
    plan_update,
)
from vmic.diagnosis import (
    FeatureDiagnosis,
    GuestView,
    ServiceDiagnosis,
    Verdict,
    VMDiagnosis,
    diagnose,
    diagnose_vm,
)
from vmic.errors import ConfigurationError, VMNotFoundError
from vmic.executors._command import Shell
from vmic.model._guest import Guest, GuestUnreachable
from vmic.model._linux_records import ModuleStatus, UnitFileState
from vmic.model._records import (
    IntegrationComponentRecord,
    IntegrationServicesState,
    VirtualMachineRecord,
    VMState,
)
from vmic.model._services import GuestOnlyService
from vmic.rules._causes import Cause
from vmic.rules._features import Feature, services_needed
from vmic.rules._plans import StepAction, StepSide

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vmic.diagnosis._results import Service
    from vmic.model._host import VM

S = IntegrationService
O = OperationalStatus  # noqa: E741 - short alias in a table of statuses
W = WindowsServiceStatus


def only_vm(
    observation: VM,
    guest: Guest | GuestUnreachable | None = None,
    *,
    features: Iterable[Feature] = (),
) -> VMDiagnosis:
    return diagnose_vm(
        b.with_guest(observation, guest), host=b.HOST, host_os=b.HOST_OS, features=features
    )


def causes(vm: VMDiagnosis) -> set[tuple[object, Cause]]:
    return {(f.service, f.cause) for f in vm.findings}


def entry(vm: VMDiagnosis, service: Service) -> ServiceDiagnosis:
    found = vm.service(service)
    assert found is not None
    return found


def feature(vm: VMDiagnosis, wanted: Feature) -> FeatureDiagnosis:
    found = vm.feature(wanted)
    assert found is not None
    return found


# --- healthy means no finding ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("guest_os", "direct"),
    [
        ("Windows Server 2019", Verdict.FUNCTIONING),
        ("Windows Server 2016", Verdict.FUNCTIONING),
        ("Windows 10", Verdict.FUNCTIONING),
        ("Windows 8.1", Verdict.NOT_AVAILABLE),  # PowerShell Direct needs Windows 10
    ],
)
def test_healthy_windows_vm_has_no_finding(guest_os: str, direct: Verdict) -> None:
    vm = diagnose_vm(
        b.with_guest(b.vm("web01", guest_os=guest_os), b.windows_guest(product=parse_os(guest_os))),
        host=b.HOST,
        host_os=b.HOST_OS,
    )
    assert vm.findings == ()
    assert vm.healthy
    assert vm.guest_view is GuestView.OBSERVED
    verdicts = {entry.service: entry.verdict for entry in vm.services}
    assert verdicts.pop(S.GUEST_SERVICE_INTERFACE) is Verdict.OFF_BY_DEFAULT
    assert verdicts.pop(GuestOnlyService.POWERSHELL_DIRECT) is direct
    assert set(verdicts.values()) == {Verdict.FUNCTIONING}
    assert any("off, as it is by default" in note for note in vm.notes)
    file_copy = vm.feature(Feature.FILE_COPY)
    assert file_copy is not None
    assert file_copy.verdict is Verdict.OFF_BY_DEFAULT
    assert vm.broken_features == ()


def test_a_service_a_guest_lists_twice_is_judged_by_its_first_record() -> None:
    # As Guest.service finds it: the first record of the service counts.
    guest = b.windows_guest(product=parse_os("Windows Server 2022"))
    assert guest.services is not None
    heartbeat = next(r for r in guest.services if r.service is S.HEARTBEAT)
    first = attrs.evolve(heartbeat, status=WindowsServiceStatus.STOPPED, running=False)
    twice = attrs.evolve(guest, services=(first, *guest.services))
    assert twice.service(S.HEARTBEAT) is first
    vm = diagnose_vm(b.with_guest(b.vm("web01", guest_os="Windows Server 2022"), twice))
    entry = vm.service(S.HEARTBEAT)
    assert entry is not None
    assert entry.guest_running is False
    assert entry.verdict is Verdict.NOT_FUNCTIONING


@pytest.mark.parametrize("distribution", ["ubuntu", "debian", "rhel", "arch", "suse"])
def test_healthy_linux_vm_has_no_finding(distribution: str) -> None:
    vm = diagnose_vm(
        b.with_guest(
            b.vm("db01", guest_os=parse_os(f"Linux {distribution}")), b.linux_guest(distribution)
        ),
        host=b.HOST,
        host_os=b.HOST_OS,
    )
    assert vm.findings == ()
    assert vm.service(GuestOnlyService.POWERSHELL_DIRECT) is None
    assert vm.feature(Feature.POWERSHELL_DIRECT) is None


def test_linux_guest_without_kvp_data_is_still_linux() -> None:
    vm = diagnose_vm(b.with_guest(b.vm("db01", guest_os=None), b.linux_guest("rhel")), host=b.HOST)
    assert vm.guest_os is not None
    assert vm.guest_os.is_linux
    assert vm.guest_os.distribution == "rhel"
    assert vm.findings == ()


def test_healthy_host_with_no_guests_observed() -> None:
    diagnosis = diagnose(b.host(b.vm("a"), b.vm("b", guest_os="Ubuntu 22.04")))
    assert diagnosis.healthy
    assert [vm.guest_view for vm in diagnosis] == [GuestView.NOT_OBSERVED] * 2
    assert len(diagnosis) == 2
    heartbeat = diagnosis.vms[0].service(S.HEARTBEAT)
    assert heartbeat is not None
    assert heartbeat.verdict is Verdict.FUNCTIONING  # the host's OK is the evidence


# --- host side ------------------------------------------------------------------------------


def test_disabled_on_host_is_found_with_a_host_fix_by_guid_and_id() -> None:
    observation = b.vm("web01", overrides={S.SHUTDOWN: {"enabled": False}})
    vm = diagnose_vm(
        b.with_guest(observation, b.windows_guest(statuses={"vmicshutdown": W.STOPPED})),
        host=b.HOST,
        host_os=b.HOST_OS,
    )
    assert causes(vm) == {(S.SHUTDOWN, Cause.DISABLED_ON_HOST)}
    finding = vm.findings[0]
    assert finding.verdict is Verdict.NOT_FUNCTIONING
    assert finding.host == b.HOST
    assert finding.features == (Feature.GRACEFUL_SHUTDOWN,)
    assert "like pulling the plug" in finding.explanation
    (fix,) = finding.fixes
    assert fix.side is StepSide.HOST
    assert fix.shell is Shell.POWERSHELL
    (command,) = fix.commands
    assert f"-Id '{b.vm_id('web01')}'" in command
    assert f"'*\\{S.SHUTDOWN.guid}'" in command
    assert command.endswith("Hyper-V\\Enable-VMIntegrationService")
    assert "Shutdown'" not in command  # never by (localized) display name


def test_fix_selects_a_vm_by_exact_name_when_the_host_gave_no_id() -> None:
    base = b.vm("web*", overrides={S.VSS: {"enabled": False}})
    components = [
        IntegrationComponentRecord(
            vm_name=c.vm_name, name=c.name, enabled=c.enabled, primary_status=c.primary_status
        )
        for c in base.services
    ]
    observation = b.observation(
        VirtualMachineRecord(name="web*", state=VMState.RUNNING),
        components,
        guest_os=base.guest_os,
    )
    vm = only_vm(observation)
    (command,) = vm.findings[0].fixes[0].commands
    assert "[string]::Equals($_.Name, 'web*', [System.StringComparison]::Ordinal)" in command
    assert "-Name" not in command


@pytest.mark.parametrize(
    ("status", "cause"),
    [
        (O.NO_CONTACT, Cause.NO_CONTACT),
        (O.LOST_COMMUNICATION, Cause.LOST_COMMUNICATION),
        (O.COMMUNICATION_TIMED_OUT, Cause.LOST_COMMUNICATION),
        (O.ERROR, Cause.COMPONENT_ERROR),
    ],
)
def test_host_status_without_guest_view(status: OperationalStatus, cause: Cause) -> None:
    vm = only_vm(b.vm("app", overrides={S.TIME_SYNCHRONIZATION: {"primary": status}}))
    assert causes(vm) == {(S.TIME_SYNCHRONIZATION, cause)}
    (finding,) = vm.findings
    assert finding.verdict is Verdict.NOT_FUNCTIONING
    assert finding.fixes[0].commands == ("Restart-Service -Name 'vmictimesync'",)
    assert status.label in finding.explanation  # the status in words, as the host reports it


def test_no_contact_on_a_linux_daemon_service_points_at_the_daemon() -> None:
    observation = b.vm(
        "db", guest_os="Red Hat Enterprise Linux 9",
        overrides={S.KEY_VALUE_PAIR_EXCHANGE: {"primary": O.NO_CONTACT}},
    )  # fmt: skip
    vm = only_vm(observation)
    (finding,) = vm.findings
    assert finding.cause is Cause.NO_CONTACT
    assert "sudo systemctl start hypervkvpd.service" in finding.fixes[0].commands


def test_vm_that_is_off_is_not_a_finding_but_host_settings_still_are() -> None:
    off = b.vm("cold", state=VMState.OFF)
    vm = only_vm(off, b.windows_guest())
    assert vm.findings == ()
    assert vm.guest_view is GuestView.NOT_OBSERVED
    assert any("off" in note for note in vm.notes)
    assert entry(vm, S.HEARTBEAT).verdict is Verdict.UNKNOWN
    disabled = b.vm("cold", state=VMState.OFF, overrides={S.HEARTBEAT: {"enabled": False}})
    assert causes(only_vm(disabled)) == {(S.HEARTBEAT, Cause.DISABLED_ON_HOST)}


def test_unlisted_service_is_unknown_not_a_finding() -> None:
    full = b.vm("app")
    partial = b.observation(
        full.record,
        [c for c in full.services if c.service is not S.VSS],
        guest_os=full.guest_os,
    )
    vm = only_vm(partial, b.windows_guest())
    assert entry(vm, S.VSS).verdict is Verdict.UNKNOWN
    assert vm.findings == ()


# --- Windows guest side ---------------------------------------------------------------------


def test_guest_service_stopped() -> None:
    vm = only_vm(b.vm("app"), b.windows_guest(statuses={"vmictimesync": W.STOPPED}))
    assert causes(vm) == {(S.TIME_SYNCHRONIZATION, Cause.GUEST_SERVICE_STOPPED)}
    (finding,) = vm.findings
    (fix,) = finding.fixes
    assert fix.side is StepSide.GUEST
    assert fix.commands == ("Start-Service -Name 'vmictimesync'",)
    assert finding.features == (Feature.TIME_SYNC,)


def test_guest_startup_disabled_is_the_cause_not_stopped() -> None:
    guest = b.windows_guest(
        statuses={"vmicvss": W.STOPPED}, start_types={"vmicvss": StartType.DISABLED}
    )
    vm = only_vm(b.vm("app", overrides={S.VSS: {"primary": O.NO_CONTACT}}), guest)
    assert causes(vm) == {(S.VSS, Cause.GUEST_STARTUP_DISABLED)}
    (finding,) = vm.findings
    assert "cannot start it" in finding.explanation
    assert finding.fixes[0].commands == (
        "Set-Service -Name 'vmicvss' -StartupType Manual",
        "Start-Service -Name 'vmicvss'",
    )
    assert finding.features == (Feature.LIVE_BACKUP,)
    assert entry(vm, S.VSS).guest_state == "stopped, startup disabled"


def test_disabled_on_both_sides_gives_two_findings_host_first() -> None:
    guest = b.windows_guest(
        statuses={"vmicshutdown": W.STOPPED}, start_types={"vmicshutdown": StartType.DISABLED}
    )
    vm = only_vm(b.vm("app", overrides={S.SHUTDOWN: {"enabled": False}}), guest)
    assert [f.cause for f in vm.findings] == [
        Cause.DISABLED_ON_HOST,
        Cause.GUEST_STARTUP_DISABLED,
    ]


def test_missing_guest_service_gets_the_update_plan() -> None:
    host_os = parse_os("Windows Server 2012 R2")
    vm = diagnose_vm(
        b.with_guest(
            b.vm("app", guest_os="Windows Server 2012"),
            b.windows_guest(product=parse_os("Windows Server 2012"), missing=("vmicheartbeat",)),
        ),
        host=b.HOST,
        host_os=host_os,
    )
    (finding,) = vm.findings
    assert finding.cause is Cause.GUEST_SERVICE_MISSING
    assert finding.fixes[0].title.startswith("Insert the Integration Services Setup Disk")
    assert finding.fixes[0].automatable is False


def test_service_not_available_on_an_old_guest_is_no_finding_while_off() -> None:
    guest_os = "Windows Server 2008 R2 SP1"
    vm = only_vm(b.vm("legacy", guest_os=guest_os), b.windows_guest(product=parse_os(guest_os)))
    assert vm.findings == ()
    gsi = entry(vm, S.GUEST_SERVICE_INTERFACE)
    assert gsi.verdict is Verdict.NOT_AVAILABLE
    assert gsi.causes == (Cause.NOT_AVAILABLE_ON_GUEST_OS,)
    assert feature(vm, Feature.FILE_COPY).verdict is Verdict.NOT_AVAILABLE


def test_service_not_available_but_enabled_on_host_is_a_finding() -> None:
    guest_os = "Windows Server 2008 R2 SP1"
    observation = b.vm(
        "legacy", guest_os=guest_os,
        overrides={S.GUEST_SERVICE_INTERFACE: {"enabled": True, "primary": O.NO_CONTACT}},
    )  # fmt: skip
    vm = only_vm(observation, b.windows_guest(product=parse_os(guest_os)))
    (finding,) = vm.findings
    assert finding.cause is Cause.NOT_AVAILABLE_ON_GUEST_OS
    assert finding.verdict is Verdict.NOT_AVAILABLE
    assert "Windows Server 2012 R2 or Windows 8.1" in finding.explanation
    assert finding.fixes[0].commands[0].endswith("Hyper-V\\Disable-VMIntegrationService")


# --- out of date and the update matrix ------------------------------------------------------


def test_protocol_mismatch_brings_the_update_plan_for_the_pair() -> None:
    host_os = parse_os("Windows Server 2012 R2")
    guest_os = parse_os("Windows Server 2012")
    observation = b.vm(
        "old-ic", guest_os=guest_os,
        overrides={S.HEARTBEAT: {"secondary": O.PROTOCOL_MISMATCH}},
    )  # fmt: skip
    vm = diagnose_vm(
        b.with_guest(observation, b.windows_guest(product=guest_os)), host=b.HOST, host_os=host_os
    )
    (finding,) = vm.findings
    assert finding.cause is Cause.INTEGRATION_SERVICES_OUTDATED
    assert finding.service is None
    assert finding.verdict is Verdict.DEGRADED
    assert finding.plan == plan_update(host_os, guest_os)
    assert finding.plan is not None
    assert finding.fixes[0].title == finding.plan.steps[0].title
    assert "Heartbeat (OK / Protocol Mismatch)" in finding.explanation
    assert entry(vm, S.HEARTBEAT).verdict is Verdict.DEGRADED


def test_protocol_mismatch_on_a_service_the_guest_cannot_have_still_says_outdated() -> None:
    # An XP guest cannot have Guest Service Interface; the host's ProtocolMismatch on it still
    # says the VM's integration services are out of date (found by hypothesis).
    observation = b.vm(
        "xp", guest_os="Windows XP",
        overrides={S.GUEST_SERVICE_INTERFACE: {"enabled": True, "secondary": O.PROTOCOL_MISMATCH}},
    )  # fmt: skip
    vm = diagnose_vm(b.with_guest(observation, None), host=b.HOST)
    assert entry(vm, S.GUEST_SERVICE_INTERFACE).verdict is Verdict.NOT_AVAILABLE
    outdated = [f for f in vm.findings if f.cause is Cause.INTEGRATION_SERVICES_OUTDATED]
    assert len(outdated) == 1
    assert outdated[0].verdict is Verdict.DEGRADED


def test_degraded_primary_status_is_degraded_not_broken() -> None:
    observation = b.vm("app", overrides={S.KEY_VALUE_PAIR_EXCHANGE: {"primary": O.DEGRADED}})
    vm = only_vm(observation, b.windows_guest())
    assert entry(vm, S.KEY_VALUE_PAIR_EXCHANGE).verdict is Verdict.DEGRADED
    assert [f.cause for f in vm.findings] == [Cause.INTEGRATION_SERVICES_OUTDATED]
    assert feature(vm, Feature.GUEST_IP_REPORTING).verdict is Verdict.DEGRADED


def test_update_required_state_alone_is_out_of_date() -> None:
    observation = b.vm(
        "app", guest_os="Windows 10", is_state=IntegrationServicesState.UPDATE_REQUIRED
    )
    vm = only_vm(observation, b.windows_guest())
    (finding,) = vm.findings
    assert finding.cause is Cause.INTEGRATION_SERVICES_OUTDATED
    assert "Update required" in finding.explanation
    assert finding.plan is not None
    assert finding.plan.steps[0].action is StepAction.WINDOWS_UPDATE


def test_out_of_date_without_known_guest_os_says_why_there_is_no_plan() -> None:
    observation = b.vm(
        "app", guest_os=None, overrides={S.HEARTBEAT: {"primary": O.PROTOCOL_MISMATCH}}
    )
    vm = only_vm(observation)
    (finding,) = vm.findings
    assert finding.plan is None
    assert "guest's operating system is not known" in finding.explanation
    assert finding.fixes[0].automatable is False


def test_windows_7_with_data_exchange_off_on_a_2016_host_needs_it_for_updates() -> None:
    host_os = parse_os("Windows Server 2016")
    guest_os = parse_os("Windows 7 SP1")
    observation = b.vm(
        "win7", guest_os=guest_os, overrides={S.KEY_VALUE_PAIR_EXCHANGE: {"enabled": False}}
    )
    vm = diagnose_vm(
        b.with_guest(
            observation, b.windows_guest(product=guest_os, statuses={"vmickvpexchange": W.STOPPED})
        ),
        host=b.HOST,
        host_os=host_os,
    )
    found = {f.cause: f for f in vm.findings}
    assert set(found) == {Cause.DISABLED_ON_HOST, Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES}
    finding = found[Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES]
    assert finding.service is S.KEY_VALUE_PAIR_EXCHANGE
    assert finding.plan == plan_update(host_os, guest_os, data_exchange_enabled=False)
    assert [step.action for step in finding.plan.steps][:2] == [
        StepAction.ENABLE_DATA_EXCHANGE,
        StepAction.WINDOWS_UPDATE,
    ]
    assert S.KEY_VALUE_PAIR_EXCHANGE.guid in finding.fixes[0].commands[0]
    assert "<VMName>" not in " ".join(c for fix in finding.fixes for c in fix.commands)
    assert Feature.WINDOWS_UPDATE_INTEGRATION_SERVICES in finding.features
    assert "row" in finding.explanation  # cites the update matrix row


def test_windows_7_on_a_2012_r2_host_gets_no_data_exchange_finding() -> None:
    guest_os = parse_os("Windows 7")
    observation = b.vm(
        "win7", guest_os=guest_os, overrides={S.KEY_VALUE_PAIR_EXCHANGE: {"enabled": False}}
    )
    vm = diagnose_vm(
        b.with_guest(observation, b.windows_guest(product=guest_os)),
        host=b.HOST,
        host_os=parse_os("Windows Server 2012 R2"),
    )
    assert [f.cause for f in vm.findings] == [Cause.DISABLED_ON_HOST]
    assert vm.feature(Feature.WINDOWS_UPDATE_INTEGRATION_SERVICES) is None


# --- Linux guest side -----------------------------------------------------------------------


def test_hv_utils_absent_is_one_vm_wide_finding() -> None:
    observation = b.vm("db", guest_os="Ubuntu 22.04")
    guest = b.linux_guest(
        hv_utils=ModuleStatus.ABSENT, running={S.KEY_VALUE_PAIR_EXCHANGE: False, S.VSS: False}
    )
    vm = only_vm(observation, guest)
    (finding,) = vm.findings
    assert finding.cause is Cause.KERNEL_DRIVER_MISSING
    assert finding.service is None
    assert finding.fixes[0].commands[0] == "sudo modprobe hv_utils"
    assert finding.fixes[0].shell is Shell.POSIX
    assert Feature.GRACEFUL_SHUTDOWN in finding.features
    assert entry(vm, S.GUEST_SERVICE_INTERFACE).verdict is Verdict.OFF_BY_DEFAULT


def test_hv_utils_not_listed_is_built_in_when_the_host_has_contact() -> None:
    vm = only_vm(b.vm("db", guest_os="Ubuntu"), b.linux_guest(hv_utils=ModuleStatus.NOT_LISTED))
    assert vm.findings == ()
    assert entry(vm, S.HEARTBEAT).guest_state.startswith("hv_utils not listed (built in")


def test_hv_utils_not_listed_and_no_contact_is_missing() -> None:
    silent = {s: {"primary": O.NO_CONTACT} for s in S if s.info.default_enabled}
    observation = b.vm("db", guest_os="Ubuntu", overrides=silent)
    guest = b.linux_guest(
        hv_utils=ModuleStatus.NOT_LISTED, running={S.KEY_VALUE_PAIR_EXCHANGE: False, S.VSS: False}
    )
    vm = only_vm(observation, guest)
    assert [f.cause for f in vm.findings] == [Cause.KERNEL_DRIVER_MISSING]


@pytest.mark.parametrize(
    ("distribution", "daemon", "install"),
    [
        (
            "ubuntu",
            "hv_kvp_daemon",
            "sudo apt-get install -y linux-cloud-tools-common linux-cloud-tools-virtual",
        ),
        ("debian", "hv_kvp_daemon", "sudo apt-get install -y hyperv-daemons"),
        ("rhel", "hypervkvpd", "sudo yum install -y hyperv-daemons"),
        ("arch", "hv_kvp_daemon", "sudo pacman -S --needed --noconfirm hyperv"),
        ("suse", "hv_kvp_daemon", "sudo zypper --non-interactive install hyper-v"),
    ],
)
def test_daemon_not_installed_names_the_distributions_package(
    distribution: str, daemon: str, install: str
) -> None:
    guest = b.linux_guest(distribution, installed={S.KEY_VALUE_PAIR_EXCHANGE: False})
    observation = b.vm(
        "db", guest_os=parse_os(f"Linux {distribution}"),
        overrides={S.KEY_VALUE_PAIR_EXCHANGE: {"primary": O.NO_CONTACT}},
    )  # fmt: skip
    vm = only_vm(observation, guest)
    (finding,) = vm.findings
    assert finding.cause is Cause.DAEMON_NOT_INSTALLED
    assert daemon in finding.explanation
    assert finding.fixes[0].commands[0].startswith(install)
    assert finding.features == (Feature.GUEST_IP_REPORTING, Feature.GUEST_OS_REPORTING)


@pytest.mark.parametrize(
    ("file_state", "expected"),
    [
        (UnitFileState.ENABLED, ("sudo systemctl start hypervvssd.service",)),
        (UnitFileState.DISABLED, ("sudo systemctl enable --now hypervvssd.service",)),
        (
            UnitFileState.MASKED,
            (
                "sudo systemctl unmask hypervvssd.service",
                "sudo systemctl enable --now hypervvssd.service",
            ),
        ),
    ],
)
def test_daemon_not_running_starts_the_distributions_unit(
    file_state: UnitFileState, expected: tuple[str, ...]
) -> None:
    guest = b.linux_guest("rhel", running={S.VSS: False}, unit_states={S.VSS: file_state})
    vm = only_vm(b.vm("db", guest_os="RHEL 9"), guest)
    (finding,) = vm.findings
    assert finding.cause is Cause.DAEMON_NOT_RUNNING
    assert "hypervvssd" in finding.explanation
    assert finding.fixes[0].commands[: len(expected)] == expected


def test_arch_file_copy_daemon_is_started_by_its_unit_and_marked_unverified() -> None:
    observation = b.vm(
        "arch", guest_os=parse_os("Arch Linux"),
        overrides={S.GUEST_SERVICE_INTERFACE: {"enabled": True}},
    )  # fmt: skip
    vm = only_vm(observation, b.linux_guest("arch"))
    (finding,) = vm.findings
    assert finding.cause is Cause.DAEMON_NOT_RUNNING
    assert finding.fixes[0].commands[0] == "sudo systemctl start hv_fcopy_daemon.service"
    # Arch's PKGBUILD was not read: the diagnosis says so instead of presenting it as certain,
    # among the finding's sources (reports say it once), not in its explanation or fix.
    assert any(s.startswith("Unverified for this distribution") for s in finding.sources)
    assert "Unverified" not in finding.explanation
    assert "Unverified" not in finding.fixes[0].detail


def test_file_copy_off_by_default_but_on_when_enabled_and_daemon_stops_get_reported() -> None:
    # Off by default: the idle fcopy daemon is no concern.
    assert only_vm(b.vm("db", guest_os="Ubuntu"), b.linux_guest()).findings == ()
    # Asked for file copy: the host setting is the finding (the daemon starts once enabled).
    vm = only_vm(b.vm("db", guest_os="Ubuntu"), b.linux_guest(), features=[Feature.FILE_COPY])
    assert causes(vm) == {(S.GUEST_SERVICE_INTERFACE, Cause.DISABLED_ON_HOST)}
    assert feature(vm, Feature.FILE_COPY).requested


# --- guest-only service, features -----------------------------------------------------------


def test_powershell_direct_stopped_is_normal_and_disabled_matters_only_when_asked() -> None:
    assert only_vm(b.vm("app"), b.windows_guest()).findings == ()
    direct = entry(only_vm(b.vm("app"), b.windows_guest()), GuestOnlyService.POWERSHELL_DIRECT)
    assert direct.verdict is Verdict.FUNCTIONING
    assert "on demand" in direct.guest_state
    guest = b.windows_guest(start_types={"vmicvmsession": StartType.DISABLED})
    assert only_vm(b.vm("app"), guest).findings == ()
    vm = only_vm(b.vm("app"), guest, features=[Feature.POWERSHELL_DIRECT])
    assert causes(vm) == {(GuestOnlyService.POWERSHELL_DIRECT, Cause.GUEST_STARTUP_DISABLED)}
    assert vm.findings[0].fixes[0].commands[0] == (
        "Set-Service -Name 'vmicvmsession' -StartupType Manual"
    )


def test_powershell_direct_on_windows_7_is_not_available() -> None:
    guest_os = parse_os("Windows 7")
    vm = only_vm(
        b.vm("w7", guest_os=guest_os),
        b.windows_guest(product=guest_os),
        features=[Feature.POWERSHELL_DIRECT],
    )
    finding = next(f for f in vm.findings if f.service is GuestOnlyService.POWERSHELL_DIRECT)
    assert finding.cause is Cause.NOT_AVAILABLE_ON_GUEST_OS
    assert finding.fixes[0].automatable is False


def test_features_are_validated() -> None:
    with pytest.raises(ConfigurationError, match="not a Feature"):
        diagnose(b.host(b.vm("a")), features=["file_copy"])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="iterable"):
        diagnose(b.host(b.vm("a")), features=Feature.FILE_COPY)  # type: ignore[arg-type]


# --- guest reachability ---------------------------------------------------------------------


def test_unreachable_guest_is_said_and_host_verdicts_stand() -> None:
    reason = "PowerShell Direct to VM 'app' failed (session): access denied"
    vm = only_vm(b.vm("app"), GuestUnreachable(reason=reason))
    (finding,) = vm.findings
    assert finding.cause is Cause.GUEST_UNREACHABLE
    assert finding.service is None
    assert reason in finding.explanation
    assert "host's view alone" in finding.explanation
    assert vm.guest_view is GuestView.UNREACHABLE
    assert vm.guest_detail == reason
    assert entry(vm, S.HEARTBEAT).verdict is Verdict.FUNCTIONING


def test_one_vm_by_exact_name() -> None:
    observation = b.host(b.vm("web"), b.vm("web2", overrides={S.VSS: {"enabled": False}}))
    assert diagnose(observation, vm="web").healthy
    assert not diagnose(observation, vm="web2").healthy
    with pytest.raises(VMNotFoundError, match="'we'") as caught:
        diagnose(observation, vm="we")
    assert caught.value.known == ("web", "web2")


def test_two_vms_of_one_name_are_each_diagnosed_with_their_own_guest() -> None:
    # Hyper-V lets two VMs share a name; each VM carries its own guest, so the broken
    # guest of one is never blamed on its healthy twin.
    broken = b.windows_guest(
        statuses={"vmicvss": W.STOPPED}, start_types={"vmicvss": StartType.DISABLED}
    )
    web = b.vm("web", guest=broken)
    twin = attrs.evolve(web, id="11111111-2222-3333-4444-555555555555", guest=b.windows_guest())
    diagnosis = diagnose(b.host(web, twin, b.vm("db", guest=broken)))
    assert [vm.vm for vm in diagnosis.vms] == ["web", "web", "db"]
    assert [vm.vm_id for vm in diagnosis.vms[:2]] == [web.id, twin.id]
    assert [f.cause for f in diagnosis.vms[0].findings] == [Cause.GUEST_STARTUP_DISABLED]
    assert diagnosis.vms[1].findings == ()
    assert entry(diagnosis.vms[1], S.VSS).verdict is Verdict.FUNCTIONING
    assert [vm.guest_view for vm in diagnosis.vms] == [GuestView.OBSERVED] * 3
    assert [f.cause for f in diagnosis.vms[2].findings] == [Cause.GUEST_STARTUP_DISABLED]
    # diagnose(vm=...) takes the first VM of the name, as Host.vm does.
    assert diagnose(b.host(web, twin), vm="web").vms[0].vm_id == web.id


# --- output ---------------------------------------------------------------------------------


def test_to_dict_is_json_with_stable_values() -> None:
    observation = b.host(b.vm("app", overrides={S.SHUTDOWN: {"enabled": False}}))
    data = json.loads(json.dumps(diagnose(observation).to_dict()))
    assert data["healthy"] is False
    (vm,) = data["vms"]
    assert vm["findings"][0]["cause"] == "disabled_on_host"
    assert vm["findings"][0]["service"] == "shutdown"
    assert vm["findings"][0]["fixes"][0]["side"] == "host"
    assert {s["verdict"] for s in vm["services"]} <= {v.value for v in Verdict}


def test_html_escapes_everything() -> None:
    name = "<script>alert('x')</script>"
    observation = b.host(b.vm(name, overrides={S.SHUTDOWN: {"enabled": False}}))
    html = diagnose(observation)._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "disabled_on_host" in html
    finding = diagnose(observation).findings[0]
    assert "&lt;script&gt;" in finding._repr_html_()


def test_unknown_distribution_falls_back_to_upstream_names() -> None:
    # A distribution vmic does not know is no OperatingSystem it can hold: the guest is
    # "Linux", and the names shown are the upstream (Debian) ones.
    guest = Guest(os="Linux", hv_utils=ModuleStatus.LOADED, services=())
    vm = only_vm(b.vm("g", guest_os=None), guest)
    assert vm.guest_os is not None
    assert vm.guest_os.is_linux
    assert vm.guest_os.distribution is None
    # No daemon was reported at all: each daemon-backed service is "not installed".
    assert causes(vm) == {
        (S.KEY_VALUE_PAIR_EXCHANGE, Cause.DAEMON_NOT_INSTALLED),
        (S.VSS, Cause.DAEMON_NOT_INSTALLED),
    }
    kvp = next(f for f in vm.findings if f.service is S.KEY_VALUE_PAIR_EXCHANGE)
    assert kvp.fixes[0].commands[0] == "sudo apt-get install -y hyperv-daemons"
    assert entry(vm, S.KEY_VALUE_PAIR_EXCHANGE).guest_state == "hv_kvp_daemon not installed"


def test_missing_powershell_direct_service_gets_the_update_plan_when_asked() -> None:
    guest = b.windows_guest(missing=("vmicvmsession",))
    observation = b.vm("app", guest_os="Windows Server 2016")
    assert only_vm(observation, guest).findings == ()
    vm = only_vm(observation, guest, features=[Feature.POWERSHELL_DIRECT])
    (finding,) = vm.findings
    assert (finding.service, finding.cause) == (
        GuestOnlyService.POWERSHELL_DIRECT,
        Cause.GUEST_SERVICE_MISSING,
    )
    assert finding.features == (Feature.POWERSHELL_DIRECT,)
    assert finding.fixes[0].title.startswith("Install the important updates")
    assert finding.subject == "app: Hyper-V PowerShell Direct Service"


def test_enums_and_subjects_read_well() -> None:
    assert repr(Verdict.OFF_BY_DEFAULT) == "Verdict.OFF_BY_DEFAULT"
    assert Verdict.NOT_FUNCTIONING.label == "not functioning"
    assert repr(GuestView.UNREACHABLE) == "GuestView.UNREACHABLE"
    vm = only_vm(b.vm("app"), GuestUnreachable(reason="no route"))
    assert vm.findings[0].subject == "app"


@pytest.mark.parametrize(
    ("host", "guest", "needs_kvp"),
    [
        ("Windows Server 2016", "Windows 7", True),  # the row's "Requires Data Exchange"
        ("Windows Server 2019", "Windows Server 2012", True),
        ("Windows Server 2019", "Windows Server 2012 R2", False),  # row without the note
        ("Windows Server 2012 R2", "Windows 7", False),  # the disk, not Windows Update
        ("Windows Server 2012", "Windows 10", False),  # unlisted pair: the guest rule
    ],
)
def test_windows_update_feature_follows_the_update_matrix_row(
    host: str, guest: str, needs_kvp: bool
) -> None:
    needed = services_needed(
        Feature.WINDOWS_UPDATE_INTEGRATION_SERVICES, parse_os(guest), host=parse_os(host)
    )
    assert needed == ({S.KEY_VALUE_PAIR_EXCHANGE} if needs_kvp else set())
