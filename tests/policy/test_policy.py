"""Policies: reading them (TOML), refusing bad ones in one line, selecting VMs, resolving."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings

from vmic import VM, Guest, GuestUnreachable, Host, IntegrationService, PolicyError, parse_os
from vmic.model._operating_system import OSFamily
from vmic.policy import Policy, Rule, Selector, load_policy, parse_policy
from vmic.strategies import policies

if TYPE_CHECKING:
    from pathlib import Path

GSI = IntegrationService.GUEST_SERVICE_INTERFACE
TIMESYNC = IntegrationService.TIME_SYNCHRONIZATION
VSS = IntegrationService.VSS

# The issue's own example.
EXAMPLE = """\
[[rule]]
name = "file copy on servers"        # optional, shown in reports
guest_os = ["Windows Server 2016", "Windows Server 2019", "Windows Server 2022"]
services = { guest_service_interface = "on" }

[[rule]]
vms = ["fs01"]                       # exact names
services = { time_synchronization = "on", vss = "on" }
"""


def _vm(name: str, guest: str | None, *, state: str = "running", vm_id: str | None = None) -> VM:
    return VM(name, state=state, id=vm_id, guest=None if guest is None else Guest(os=guest))


def _host(*vms: VM, name: str = "hv01") -> Host:
    return Host(name, os="Windows Server 2022", vms=vms)


def _names(policy: Policy, host: Host, **options: object) -> list[str]:
    return [vm.vm for vm in policy.resolve(host, **options)]  # type: ignore[arg-type]


# --- reading --------------------------------------------------------------------------------


def test_the_issues_example_reads_as_two_rules(tmp_path: Path) -> None:
    path = tmp_path / "fleet.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    policy = load_policy(path)
    assert policy.source == str(path)
    first, second = policy.rules
    assert first.name == "file copy on servers"
    assert first.services == {GSI: True}
    assert [s.name for s in first.selector.guest_os] == [
        "Windows Server 2016",
        "Windows Server 2019",
        "Windows Server 2022",
    ]
    assert second.selector.vms == ("fs01",)
    assert second.services == {TIMESYNC: True, VSS: True}
    assert Policy.load(str(path)) == policy


def test_the_canonical_form_reads_back_to_the_same_policy_and_digest() -> None:
    policy = parse_policy(EXAMPLE)
    again = Policy.from_dict(policy.to_dict())
    assert again == policy
    assert again.digest == policy.digest
    assert len(policy.digest) == 64


def test_the_digest_ignores_layout_comments_and_spellings_but_not_content() -> None:
    respelled = """
# the same policy, written otherwise
[[rule]]
services = { "Guest Service Interface" = "ON" }
guest_os = ["ws2016", "Windows Server 2019 Datacenter", "2022"]
name = "file copy on servers"
[[rule]]
services = { Zeitsynchronisierung = true, vmicvss = "on" }
vms = "fs01"
"""
    assert parse_policy(respelled).digest == parse_policy(EXAMPLE).digest
    changed = EXAMPLE.replace('vss = "on"', 'vss = "off"')
    assert parse_policy(changed).digest != parse_policy(EXAMPLE).digest
    renamed = EXAMPLE.replace("file copy on servers", "file copy")
    assert parse_policy(renamed).digest != parse_policy(EXAMPLE).digest


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "fleet.toml: no rules: write each as a [[rule]] table"),
        ("rules = []", "fleet.toml: unknown key 'rules' (did you mean 'rule'?)"),
        ("rule = 3", "fleet.toml: 'rule' must be a list of tables"),
        ("[[rule]\n", "fleet.toml: not valid TOML"),
        ("[[rule]]\nvms = ['a']\n", "fleet.toml: rule 1: no services"),
        (
            "[[rule]]\nname = 'x'\nvm_globs = 'a'\nservices = { vss = 'on' }\n",
            "fleet.toml: rule 1 ('x'): unknown key 'vm_globs' (did you mean 'vm_glob'?)",
        ),
        (
            "[[rule]]\nservices = { vss = 'maybe' }\n",
            "fleet.toml: rule 1: services.vss: must be 'on' or 'off', not 'maybe'",
        ),
        (
            "[[rule]]\nservices = { vsss = 'on' }\n",
            "fleet.toml: rule 1: services.vsss: unknown integration service 'vsss'",
        ),
        (
            "[[rule]]\nservices = { 'PowerShell Direct' = 'on' }\n",
            "fleet.toml: rule 1: services.PowerShell Direct: vmicvmsession is a guest-only",
        ),
        (
            "[[rule]]\nservices = { vss = 'on', VSS = 'off' }\n",
            "fleet.toml: rule 1: services.VSS: VSS is asked both on and off",
        ),
        (
            (
                "[[rule]]\nservices = { vss = 'on' }\n[[rule]]\nguest_os = 'Windows Serv 2016'\n"
                "services = { vss = 'on' }\n"
            ),
            "fleet.toml: rule 2: guest_os: unknown operating system 'Windows Serv 2016'",
        ),
        (
            (
                "[[rule]]\nguest_os_from = 'Windows 10'\nguest_os_to = 'Windows Server 2022'\n"
                "services = { vss = 'on' }\n"
            ),
            "fleet.toml: rule 1: guest_os_to: guest_os_from 'Windows 10' and guest_os_to",
        ),
        (
            "[[rule]]\nguest_os_to = 'Ubuntu'\nservices = { vss = 'on' }\n",
            "fleet.toml: rule 1: guest_os_to: a range of Linux guests is bounded",
        ),
        (
            "[[rule]]\nvm_ids = ['web01']\nservices = { vss = 'on' }\n",
            "fleet.toml: rule 1: vm_ids: 'web01' is not a VM id (a GUID)",
        ),
        (
            "[[rule]]\nrunning = 'yes'\nservices = { vss = 'on' }\n",
            "fleet.toml: rule 1: running: must be true or false",
        ),
        (
            "[[rule]]\nvms = []\nservices = { vss = 'on' }\n",
            "fleet.toml: rule 1: vms: must be a string or a non-empty list of strings",
        ),
        (
            "[[rule]]\nguest_family = 'windows'\nservices = { vss = 'on' }\n",
            "fleet.toml: rule 1: guest_family: unknown family 'windows'",
        ),
        (
            '[[rule]]\nname = "a\\nb"\nvms = [1]\nservices = { vss = "on" }\n',
            "fleet.toml: rule 1 ('a\\nb'): vms: must hold non-empty strings, not 1",
        ),
    ],
)
def test_a_bad_policy_is_one_line_naming_file_rule_and_key(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, source="fleet.toml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert caught.value.source == "fleet.toml"


def test_a_key_with_control_characters_is_spelled_out_on_one_line() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy('[[rule]]\nservices = { "vss\\n\\u202e" = "on" }\n', source="p.toml")
    assert "\n" not in str(caught.value)
    assert caught.value.key == "services.vss\\x0a\\u202e"


def test_a_yaml_policy_reads_as_the_same_policy(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    path = tmp_path / "fleet.yml"
    path.write_text(
        "rule:\n"
        "  - name: file copy on servers\n"
        "    guest_os: [Windows Server 2016, Windows Server 2019, Windows Server 2022]\n"
        "    services: {guest_service_interface: 'on'}\n"
        "  - vms: fs01\n"
        "    services: {time_synchronization: on, vss: on}\n",
        encoding="utf-8",
    )
    assert load_policy(path).digest == parse_policy(EXAMPLE).digest
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
            for p, c in zip("abcde", "bcdef", strict=True)
        )
        + "rule: []\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match=r"bomb\.yaml: its aliases would expand"):
        load_policy(bomb)
    with pytest.raises(PolicyError, match="not valid YAML"):
        parse_policy("rule: [", kind="yaml")


def test_policy_error_carries_the_rule_and_key() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy("[[rule]]\nname = 'n'\nservices = { vss = 1 }\n", source="p.toml")
    assert (caught.value.rule, caught.value.rule_name, caught.value.key) == (1, "n", "services.vss")


def test_an_unreadable_file_is_a_policy_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"missing\.toml: cannot read the policy"):
        load_policy(tmp_path / "missing.toml")
    with pytest.raises(PolicyError, match="it is a directory"):
        load_policy(tmp_path)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b"name = '\xe9'\n")
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(bad)


# --- selecting ------------------------------------------------------------------------------


def test_names_are_exact_and_a_pattern_only_where_written_as_one() -> None:
    host = _host(_vm("web*", None), _vm("web01", None), _vm("Web02", None))
    exact = Policy([Rule({GSI: True}, Selector(vms=("web*",)))])
    assert _names(exact, host) == ["web*"]
    glob = Policy([Rule({GSI: True}, Selector(vm_glob=("web*",)))])
    assert _names(glob, host) == ["web*", "web01"]  # case counts: Web02 is not web*


def test_names_ids_and_globs_each_name_vms_and_the_rest_narrow() -> None:
    first = str(uuid.UUID(int=1)).upper()
    host = _host(
        _vm("a", "Windows Server 2019", vm_id=first),
        _vm("b", "Ubuntu 22.04"),
        _vm("c", "Windows Server 2019", state="off"),
    )
    named = Selector(vms=("b",), vm_ids=(first,), vm_glob=("c",))
    assert _names(Policy([Rule({VSS: True}, named)]), host) == ["a", "b", "c"]
    narrowed = Selector(vms=("b",), vm_ids=(first,), vm_glob=("c",), running=True)
    assert _names(Policy([Rule({VSS: True}, narrowed)]), host) == ["a", "b"]
    windows = Selector(vm_glob=("*",), guest_family=(OSFamily.WINDOWS_SERVER,))
    assert _names(Policy([Rule({VSS: True}, windows)]), host) == ["a", "c"]


def test_hosts_ignore_case_and_groups_come_from_the_inventory() -> None:
    host = _host(_vm("a", None), name="HV01.example.test")
    by_host = Policy([Rule({VSS: True}, Selector(hosts=("hv01.EXAMPLE.test",)))])
    assert _names(by_host, host) == ["a"]
    by_group = Policy([Rule({VSS: True}, Selector(groups=("berlin",)))])
    assert _names(by_group, host) == []
    assert _names(by_group, host, groups=("all", "berlin")) == ["a"]


@pytest.mark.parametrize(
    ("entry", "guest", "matched"),
    [
        ("Windows Server 2016", "Windows Server 2016 Datacenter", True),
        ("Windows Server 2016", "Windows Server 2019", False),
        ("Linux", "Ubuntu 22.04", True),
        ("Ubuntu", "Ubuntu 20.04", True),
        ("Ubuntu", "Debian 12", False),
        ("Ubuntu 22", "Ubuntu 22.04", True),
        ("Ubuntu 22.04", "Ubuntu 22.10", False),
        ("RHEL 9", "Red Hat Enterprise Linux 9.4", True),
        ("RHEL 9", "Red Hat Enterprise Linux 8.10", False),
    ],
)
def test_guest_os_names_a_product_a_distribution_or_a_release(
    entry: str, guest: str, matched: bool
) -> None:
    selector = Selector(guest_os=(parse_os(entry),))
    assert selector.matches(_vm("x", guest), host="h") is matched


@pytest.mark.parametrize(
    ("low", "high", "guest", "matched"),
    [
        ("Windows Server 2016", "Windows Server 2022", "Windows Server 2016", True),
        ("Windows Server 2016", "Windows Server 2022", "Windows Server 2019", True),
        ("Windows Server 2016", "Windows Server 2022", "Windows Server 2022", True),
        ("Windows Server 2016", "Windows Server 2022", "Windows Server 2025", False),
        ("Windows Server 2016", "Windows Server 2022", "Windows Server 2012 R2", False),
        ("Windows Server 2016", "Windows Server 2022", "Windows 10", False),
        ("Windows Server 2016", None, "Windows Server 2025", True),
        (None, "Windows Server 2008 R2", "Windows Server 2008", True),
        ("Windows 8.1", None, "Windows 11", True),
        ("Ubuntu 20.04", "Ubuntu 22.04", "Ubuntu 22.04", True),
        ("Ubuntu 20.04", "Ubuntu 22.04", "Ubuntu 24.04", False),
        ("Ubuntu 20.04", None, "Debian 12", False),
        ("RHEL 8", "RHEL 9", "Red Hat Enterprise Linux 9.4", True),
        ("RHEL 8.5", None, "Red Hat Enterprise Linux 8.10", True),
        ("RHEL 8.5", None, "Red Hat Enterprise Linux 8.4", False),
    ],
)
def test_a_range_takes_a_familys_products_or_a_distributions_releases(
    low: str | None, high: str | None, guest: str, matched: bool
) -> None:
    selector = Selector(
        guest_os_from=None if low is None else parse_os(low),
        guest_os_to=None if high is None else parse_os(high),
    )
    assert selector.matches(_vm("x", guest), host="h") is matched


def test_a_guest_that_has_not_said_what_it_is_matches_no_os_selection() -> None:
    unknown = VM("x", state="running", guest=GuestUnreachable(reason="no answer"))
    assert Selector(guest_family=(OSFamily.LINUX,)).matches(unknown, host="h") is False
    assert Selector(vms=("x",)).matches(unknown, host="h") is True


# --- resolving ------------------------------------------------------------------------------


def test_later_rules_override_earlier_ones_per_vm_and_service() -> None:
    policy = Policy(
        [
            Rule({GSI: True, VSS: True}, name="all"),
            Rule({GSI: False}, Selector(vms=("dc01",)), name="not on the DC"),
            Rule({TIMESYNC: False}, Selector(vms=("nothing",))),
        ]
    )
    host = _host(_vm("dc01", "Windows Server 2019"), _vm("web01", "Windows Server 2019"))
    dc01, web01 = policy.resolve(host)
    assert [(s.service, s.on, s.rule, s.rule_name) for s in dc01.services] == [
        (GSI, False, 2, "not on the DC"),
        (VSS, True, 1, "all"),
    ]
    assert [(s.service, s.on, s.rule) for s in web01.services] == [(GSI, True, 1), (VSS, True, 1)]
    assert dc01.service(TIMESYNC) is None


def test_a_vm_no_rule_selects_is_left_out() -> None:
    policy = Policy([Rule({VSS: True}, Selector(vms=("a",)))])
    assert _names(policy, _host(_vm("a", None), _vm("b", None))) == ["a"]


@pytest.mark.parametrize(
    ("guest", "service", "reason"),
    [
        ("Windows 7", GSI, "Windows 7 predates Guest Service Interface"),
        ("Windows Server 2008 R2", GSI, "predates Guest Service Interface"),
        ("Debian 13", GSI, "no file-copy daemon"),
    ],
)
def test_a_service_the_guest_cannot_use_is_not_applicable(
    guest: str, service: IntegrationService, reason: str
) -> None:
    policy = Policy([Rule({service: True})])
    ((vm,),) = [policy.resolve(_host(_vm("x", guest)))]
    (wanted,) = vm.services
    assert wanted.on is True
    assert wanted.applicable is False
    assert wanted.not_applicable is not None
    assert reason in wanted.not_applicable
    assert "not applicable" in str(wanted)


def test_off_is_always_applicable_and_an_unknown_guest_is_taken_at_its_word() -> None:
    off = Policy([Rule({GSI: False})]).resolve(_host(_vm("x", "Windows 7")))
    assert off[0].services[0].applicable
    unknown = Policy([Rule({GSI: True})]).resolve(_host(_vm("x", None)))
    assert unknown[0].services[0].applicable
    assert unknown[0].guest_os is None


def test_rules_built_in_code_are_checked() -> None:
    with pytest.raises(vmic_configuration_error()):
        Policy(["not a rule"])  # type: ignore[list-item]
    with pytest.raises(vmic_configuration_error()):
        Rule({"vss": True})  # type: ignore[dict-item]
    with pytest.raises(vmic_configuration_error()):
        Selector(guest_os_from=parse_os("Windows 10"), guest_os_to=parse_os("Ubuntu 22.04"))


def vmic_configuration_error() -> type[Exception]:
    from vmic import ConfigurationError  # noqa: PLC0415 - the one error these raise

    return ConfigurationError


@settings(max_examples=200, deadline=None)
@given(policies(vm_names=("dc01", "web02"), host_names=("HV01",)))
def test_a_drawn_policy_reads_back_from_its_canonical_form(policy: Policy) -> None:
    again = Policy.from_dict(policy.to_dict())
    assert again == policy
    assert again.digest == policy.digest
