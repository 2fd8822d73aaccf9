"""A host built by hand, with no lab: the diagnosis and the rules take the models as they are."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from mypy import api as mypy_api

import vmic
from vmic.rules import Cause, StepAction

if TYPE_CHECKING:
    from pathlib import Path

KVP = vmic.IntegrationService.KEY_VALUE_PAIR_EXCHANGE


def _legacy_host() -> vmic.Host:
    return vmic.Host(
        "hv01",
        os="Windows Server 2019",
        vms=[
            vmic.VM(
                "legacy-win7",
                state="running",
                services={"key_value_pair_exchange": False},
                guest=vmic.Guest(os="Windows 7"),
            )
        ],
    )


def test_a_windows_7_guest_with_data_exchange_disabled_needs_it_for_its_updates() -> None:
    host = _legacy_host()
    diagnosis = vmic.diagnose(host)
    assert {(f.vm, f.service, f.cause) for f in diagnosis.findings} == {
        ("legacy-win7", KVP, Cause.DISABLED_ON_HOST),
        ("legacy-win7", KVP, Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES),
    }
    (needed,) = [
        f for f in diagnosis.findings if f.cause is Cause.DATA_EXCHANGE_REQUIRED_FOR_UPDATES
    ]
    assert needed.plan is not None
    assert needed.plan.steps[0].action is StepAction.ENABLE_DATA_EXCHANGE
    assert KVP in needed.plan.rule.prerequisites
    # The guest was built without its services: the other services are judged from the host.
    (vm,) = diagnosis.vms
    assert vm.guest_view.value == "observed"
    assert vm.guest_os is not None
    assert vm.guest_os.name == "Windows 7"


def test_the_rules_take_the_models() -> None:
    host = _legacy_host()
    vm = host.vms[0]
    guest = vm.guest
    assert isinstance(guest, vmic.Guest)
    rule = vmic.update_rule(host, guest)
    assert rule == vmic.update_rule("Windows Server 2019", "Windows 7")
    assert rule is vmic.update_rule(host, vm)  # a VM stands for its guest
    assert rule.prerequisites == frozenset({KVP})
    # A VM says whether it runs and whether Data Exchange is on; a guest alone does not.
    from_vm = vmic.plan_update(host, vm)
    assert (from_vm.vm_running, from_vm.data_exchange_enabled) == (True, False)
    assert from_vm.steps[0].action is StepAction.ENABLE_DATA_EXCHANGE
    from_guest = vmic.plan_update(host, guest)
    assert (from_guest.vm_running, from_guest.data_exchange_enabled) == (True, True)
    assert from_guest.steps[0].action is StepAction.WINDOWS_UPDATE
    # What is said outright wins over what the VM says.
    told = vmic.plan_update(host, vm, data_exchange_enabled=True, vm_running=False)
    assert [s.action for s in told.steps][:2] == [StepAction.START_VM, StepAction.WINDOWS_UPDATE]


def test_a_users_script_with_the_models_passes_mypy_strict(tmp_path: Path) -> None:
    source = tmp_path / "what_if.py"
    source.write_text(
        textwrap.dedent(
            """\
            import vmic

            guest = vmic.Guest(os="Windows 7", services={"Data Exchange": False})
            vm = vmic.VM("legacy-win7", state="running", services={"kvp": False}, guest=guest)
            host = vmic.Host("hv01", os="Windows Server 2019", vms=[vm])
            diagnosis: vmic.Diagnosis = vmic.diagnose(host)
            causes: list[str] = [finding.cause.value for finding in diagnosis.findings]
            rule: vmic.UpdateRule = vmic.update_rule(host, guest)
            plan: vmic.UpdatePlan = vmic.plan_update(host, vm)
            found = host.vm("legacy-win7")
            if found is not None and found.os is not None:
                print(found.os.name, found.running, found.service("kvp"), causes, rule, plan)
            """
        ),
        encoding="utf-8",
    )
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        textwrap.dedent(
            """\
            import vmic

            host = vmic.Host("hv01", vms=[vmic.Guest()])
            print(host.os.name)
            """
        ),
        encoding="utf-8",
    )
    options = ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache")]
    stdout, _, status = mypy_api.run([*options, str(source)])
    assert status == 0, stdout
    # The types are real: a guest is no VM, and a host's OS may be unknown.
    stdout, _, status = mypy_api.run([*options, str(wrong)])
    assert status == 1
    assert "wrong.py:3: error" in stdout
    assert "[list-item]" in stdout
    assert "wrong.py:4: error" in stdout
    assert "[union-attr]" in stdout


def test_a_linux_guest_is_judged_by_what_it_was_built_with() -> None:
    def only(guest: vmic.Guest) -> vmic.VMDiagnosis:
        vm = vmic.VM("db", state="running", services={"Data Exchange": True}, guest=guest)
        (diagnosed,) = vmic.diagnose(vmic.Host("hv01", os="2019", vms=[vm])).vms
        return diagnosed

    # Nothing reported but the OS: no guest-side judgement, so no finding.
    bare = only(vmic.Guest(os="Ubuntu 22.04"))
    assert bare.findings == ()
    heartbeat = bare.service(vmic.IntegrationService.HEARTBEAT)
    assert heartbeat is not None
    assert heartbeat.guest_state == ""
    # Its daemons but not hv_utils: the daemons count, the kernel services are not judged,
    # and the note says hv_utils was not read.
    stopped = only(vmic.Guest(os="Ubuntu 22.04", services={"Data Exchange": False}))
    assert [(f.service, f.cause) for f in stopped.findings] == [
        (KVP, Cause.DAEMON_NOT_RUNNING),
        (vmic.IntegrationService.VSS, Cause.DAEMON_NOT_INSTALLED),
    ]
    assert any(note.startswith("hv_utils not read") for note in stopped.notes)
    heartbeat = stopped.service(vmic.IntegrationService.HEARTBEAT)
    assert heartbeat is not None
    assert heartbeat.guest_state == ""
    # And hv_utils: the kernel services are judged from it.
    absent = only(vmic.Guest(os="Ubuntu 22.04", services=(), hv_utils="absent"))
    assert Cause.KERNEL_DRIVER_MISSING in {f.cause for f in absent.findings}
