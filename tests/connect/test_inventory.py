"""The TOML inventory and where credentials come from (never argv, never the inventory)."""

from __future__ import annotations

import re
import sys
import types
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

from tests import _diagnosis_builders as b
from vmic.clients import HyperVHost
from vmic.connect import (
    CredentialResolver,
    GuestAccess,
    HostEntry,
    HostTarget,
    Inventory,
    InventoryError,
    _inventory as inventory_module,
    guest_executor,
    load_inventory,
    observe_guest,
    parse_inventory,
)
from vmic.errors import ConfigurationError, ConnectionFailedError, UnknownCommandError
from vmic.executors import (
    Command,
    Executor,
    FakeExecutor,
    LocalExecutor,
    PowerShellDirectExecutor,
    Result,
    Shell,
)
from vmic.executors._closing import Closing
from vmic.executors._psrp import PsrpExecutor
from vmic.executors._ssh import SshExecutor
from vmic.model._guest import GuestUnreachable
from vmic.model._host import Host
from vmic.model._records import VirtualMachineRecord, VMState
from vmic.testing import FakeHyperVHost

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmic.model._host import VM

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "inventory.example.toml"
SECRET = "correct horse battery staple"  # noqa: S105 - a test value to look for in output


def resolver(environ: dict[str, str] | None = None) -> CredentialResolver:
    return CredentialResolver(environ=environ or {}, use_keyring=False)


# --- the documented example -----------------------------------------------------------------


def test_the_documented_example_loads() -> None:
    inventory = load_inventory(EXAMPLE)
    assert inventory.source == str(EXAMPLE)
    assert inventory.concurrency == 20
    assert inventory.timeout == 120.0
    assert [h.name for h in inventory.hosts] == [
        "hv01.contoso.com",
        "hv02.contoso.com",
        "hv-branch",
        "hv-lab",
    ]
    hv01, hv02, branch, lab = inventory.hosts
    assert (hv01.transport, hv01.auth, hv01.username) == (
        "psrp",
        "negotiate",
        "CONTOSO\\vmic-audit",
    )
    assert hv02.ca_bundle == "/etc/pki/contoso-root.pem"
    assert (branch.transport, branch.address, branch.username) == ("ssh", "192.0.2.5", "hvadmin")
    assert branch.password_env == "VMIC_BRANCH_PASSWORD"  # noqa: S105 - a variable name
    assert lab.transport == "local"
    assert hv01.guests == GuestAccess(
        windows="powershell_direct",
        linux="ssh",
        username="Administrator",
        linux_username="vmic",
        ssh_keys=("~/.ssh/vmic_ed25519",),
    )
    # A host's own guests table is merged over the defaults.
    assert branch.guests.linux == "none"
    assert branch.guests.windows == "powershell_direct"


def test_the_example_builds_one_executor_per_transport_without_connecting() -> None:
    inventory = load_inventory(EXAMPLE)
    secrets = resolver({"VMIC_PASSWORD": SECRET, "VMIC_BRANCH_PASSWORD": SECRET})
    executors = [entry.executor(secrets) for entry in inventory.hosts]
    assert [type(e) for e in executors] == [PsrpExecutor, PsrpExecutor, SshExecutor, LocalExecutor]
    for executor in executors:
        assert SECRET not in repr(executor)
        assert SECRET not in str(executor)


# --- rejected inventories -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            '[[hosts]]\nname = "hv01"\npassword = "hunter2"\n',
            "hosts[0].password: an inventory holds no passwords",
        ),
        (
            '[defaults]\nadmin_password = "x"\n[[hosts]]\nname = "a"\n',
            "defaults.admin_password: an inventory",
        ),
        ('[[hosts]]\nname = "hv01"\n[hosts.guests]\npassword = "x"\n', "hosts[0].guests.password"),
        (
            '[[hosts]]\nname = "hv01"\ntranport = "ssh"\n',
            "hosts[0].tranport: unknown key; did you mean 'transport'?",
        ),
        (
            '[[hosts]]\nname = "hv01"\ntransport = "telnet"\n',
            "'telnet' is not one of psrp, ssh, local",
        ),
        ('[[hosts]]\nname = "a"\n[[hosts]]\nname = "a"\n', "host 'a' is listed twice"),
        (
            '[audit]\nconcurrency = 0\n[[hosts]]\nname = "a"\n',
            "audit.concurrency: must be a whole number",
        ),
        (
            '[audit]\ntimeout = -1\n[[hosts]]\nname = "a"\n',
            "audit.timeout: must be a finite number of seconds",
        ),
        # inf once passed and failed every host later (exit 3, no key named); 1e-300
        # was refused by audit() without naming the key.
        ('[audit]\ntimeout = inf\n[[hosts]]\nname = "a"\n', "audit.timeout: must be a finite"),
        ('[audit]\ntimeout = nan\n[[hosts]]\nname = "a"\n', "audit.timeout: must be a finite"),
        ('[audit]\ntimeout = 1e-300\n[[hosts]]\nname = "a"\n', "audit.timeout: must be a finite"),
        # 5,000 levels of nesting once escaped as a RecursionError from tomllib.
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "values are nested too deeply"),
        ('[[hosts]]\nname = "a"\nport = 70000\n', "hosts[0].port: must be a port number"),
        ('[[hosts]]\nname = "a"\nuse_tls = "yes"\n', "hosts[0].use_tls: must be true or false"),
        ('[[hosts]]\naddress = "10.0.0.1"\n', "hosts[0].name: every host needs a name"),
        (
            '[[hosts]]\nname = "a"\n[hosts.guests]\nwindows = "rdp"\n',
            "'rdp' is not one of powershell_direct, none",
        ),
        ('[[hosts]]\nname = "a"\nssh_keys = [1]\n', "hosts[0].ssh_keys: must be a list of strings"),
        ("", "no hosts"),
        ("hosts = [", "not valid TOML"),
        ('hosts = "hv01"\n', "no hosts"),
        ('servers = []\n[[hosts]]\nname = "a"\n', "servers: unknown key"),
    ],
)
def test_bad_inventories_are_refused_with_the_key_named(text: str, words: str) -> None:
    with pytest.raises(InventoryError) as caught:
        parse_inventory(text, source="fleet.toml")
    message = str(caught.value)
    assert message.startswith("fleet.toml: ")
    assert words in message
    assert "hunter2" not in message  # a password that was written anyway is never echoed
    assert isinstance(caught.value, ConfigurationError)


def test_unreadable_file_is_an_inventory_error(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="cannot read the inventory"):
        load_inventory(tmp_path / "missing.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InventoryError, match="cannot read the inventory"):
        load_inventory(binary)


def test_defaults_are_inherited_and_overridden() -> None:
    inventory = parse_inventory(
        '[defaults]\ntransport = "ssh"\nport = 2222\nusername = "root"\n'
        '[[hosts]]\nname = "a"\n[[hosts]]\nname = "b"\nport = 22\ntransport = "psrp"\n'
    )
    a, b_ = inventory.hosts
    assert (a.transport, a.port, a.username) == ("ssh", 2222, "root")
    assert (b_.transport, b_.port, b_.username) == ("psrp", 22, "root")
    assert inventory.concurrency is None
    assert inventory.timeout is None
    assert not a.guests.enabled


# --- credentials ----------------------------------------------------------------------------


def test_password_env_wins_over_the_general_variable() -> None:
    found = resolver({"VMIC_PASSWORD": "general", "HV_PW": "specific"}).credential(
        "audit", target="hv01", env_var="HV_PW"
    )
    assert found is not None
    assert found.password.reveal() == "specific"
    assert "specific" not in repr(found)
    assert "specific" not in str(found)


def test_no_username_or_no_password_means_no_credential() -> None:
    assert resolver({"VMIC_PASSWORD": "x"}).credential(None, target="hv01") is None
    assert resolver().credential("audit", target="hv01") is None


def keyring_module(entries: dict[tuple[str, str], str], *, fail: bool = False) -> types.ModuleType:
    module = types.ModuleType("keyring")

    def get_password(service: str, user: str) -> str | None:
        if fail:
            msg = "No recommended backend was available"
            raise RuntimeError(msg)
        return entries.get((service, user))

    module.get_password = get_password  # type: ignore[attr-defined]
    return module


def test_keyring_is_asked_host_first_then_account(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = {("vmic", "audit@hv01"): "for-hv01", ("vmic", "audit"): "for-all"}
    monkeypatch.setitem(sys.modules, "keyring", keyring_module(entries))
    secrets = CredentialResolver(environ={})
    first = secrets.password("audit", target="hv01")
    other = secrets.password("audit", target="hv02")
    assert first is not None
    assert other is not None
    assert (first.reveal(), other.reveal()) == ("for-hv01", "for-all")


def test_a_broken_or_missing_keyring_is_no_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", keyring_module({}, fail=True))
    assert CredentialResolver(environ={}).password("audit", target="hv01") is None
    monkeypatch.setitem(sys.modules, "keyring", None)  # import keyring raises ImportError
    assert CredentialResolver(environ={}).password("audit", target="hv01") is None


def test_prompt_is_asked_once_per_account() -> None:
    prompts: list[str] = []

    def ask(text: str) -> str:
        prompts.append(text)
        return SECRET

    secrets = CredentialResolver(environ={}, use_keyring=False, prompt=ask)
    for host in ("hv01", "hv02", "hv03"):
        found = secrets.credential("audit", target=host)
        assert found is not None
        assert found.password.reveal() == SECRET
    assert prompts == ["Password for audit (hv01): "]
    assert SECRET not in repr(secrets)
    secrets_with_env = CredentialResolver(
        environ={"VMIC_PASSWORD": "x"}, use_keyring=False, prompt=ask
    )
    secrets_with_env.credential("other", target="hv01")
    assert len(prompts) == 1  # the environment answered, nobody was asked


# --- guest access ---------------------------------------------------------------------------


def vm_with(guest_os: str | None, items: dict[str, str] | None = None) -> VM:
    base = b.vm("app", guest_os=guest_os)
    return b.observation(
        VirtualMachineRecord(name="app", id=base.id, state=VMState.RUNNING),
        base.services,
        guest_os=base.guest_os,
        items=items,
    )


def test_windows_guests_go_through_powershell_direct_by_vm_id() -> None:
    access = GuestAccess(windows="powershell_direct", username="Administrator")
    host = LocalExecutor()
    vm = vm_with("Windows Server 2019")
    credentials = access.credentials(resolver({"VMIC_GUEST_PASSWORD": SECRET}), host="hv01")
    assert credentials.windows is not None
    assert SECRET not in repr(credentials)
    executor = guest_executor(host, vm, access, credentials)
    assert isinstance(executor, PowerShellDirectExecutor)
    assert str(uuid.UUID(b.vm_id("app"))) in repr(executor)
    assert SECRET not in repr(executor)
    command = executor.host_command(Command(Shell.POWERSHELL, "Get-Service"))
    assert SECRET not in command.script


@pytest.mark.parametrize(
    ("access", "guest_os", "secrets", "words"),
    [
        (GuestAccess(windows="powershell_direct"), "Windows 10", {}, "needs a guest account"),
        (
            GuestAccess(windows="powershell_direct", username="Administrator"),
            "Windows 10",
            {},
            "no password for guest account 'Administrator'",
        ),
        (GuestAccess(linux="ssh", linux_username="vmic"), "Ubuntu 22.04", {}, "no IPv4 address"),
    ],
)
def test_guest_access_that_cannot_work_says_why(
    access: GuestAccess, guest_os: str, secrets: dict[str, str], words: str
) -> None:
    credentials = access.credentials(resolver(secrets), host="hv01")
    with pytest.raises(ConfigurationError, match=words):
        guest_executor(LocalExecutor(), vm_with(guest_os), access, credentials)


def test_linux_guests_are_reached_at_the_address_kvp_reports() -> None:
    access = GuestAccess(linux="ssh", linux_username="vmic")
    vm = vm_with("Ubuntu 22.04", {"NetworkAddressIPv4": "10.1.2.3;192.168.0.9"})
    executor = guest_executor(LocalExecutor(), vm, access, access.credentials(resolver(), host="h"))
    assert isinstance(executor, SshExecutor)
    assert "10.1.2.3" in repr(executor)


@pytest.mark.parametrize(
    ("access", "guest_os"),
    [
        (GuestAccess(), "Windows 10"),
        (GuestAccess(), "Ubuntu"),
        (GuestAccess(windows="powershell_direct", username="a"), "Ubuntu"),
        (GuestAccess(linux="ssh"), "Windows 10"),
    ],
)
def test_guests_left_out_by_the_settings_are_not_asked(access: GuestAccess, guest_os: str) -> None:
    credentials = access.credentials(resolver(), host="hv01")
    assert guest_executor(LocalExecutor(), vm_with(guest_os), access, credentials) is None


def test_targets_carry_names_and_guest_access() -> None:
    inventory = load_inventory(EXAMPLE)
    targets = inventory.targets(resolver({"VMIC_PASSWORD": SECRET, "VMIC_BRANCH_PASSWORD": SECRET}))
    assert [t.name for t in targets] == [h.name for h in inventory.hosts]
    assert all(t.observe_guest is not None for t in targets)
    plain = HostEntry(name="solo", transport="local").target(resolver())
    assert plain.observe_guest is None
    closer: Callable[[], None] | None = plain.close
    assert closer is not None


def test_guest_passwords_are_asked_up_front_and_linux_accounts_never_prompt() -> None:
    prompts: list[str] = []

    def ask(text: str) -> str:
        prompts.append(text)
        return SECRET

    inventory = load_inventory(EXAMPLE)
    secrets = CredentialResolver(
        environ={"VMIC_PASSWORD": "h", "VMIC_BRANCH_PASSWORD": "b"}, use_keyring=False, prompt=ask
    )
    inventory.targets(secrets)
    # One prompt, for the Windows guest account shared by every host; none for "vmic"
    # (Linux, SSH keys), none for the host accounts (the environment had them).
    assert prompts == ["Password for Administrator (hv01.contoso.com): "]


def test_linux_guests_never_get_the_windows_guest_password() -> None:
    # VMIC_GUEST_PASSWORD is the Windows guest account's; a Linux guest (at an address the
    # guest reports itself) gets only the variable named for its own account.
    access = GuestAccess(
        windows="powershell_direct", username="Administrator", linux="ssh", linux_username="vmic"
    )
    credentials = access.credentials(resolver({"VMIC_GUEST_PASSWORD": SECRET}), host="hv01")
    assert credentials.windows is not None
    assert credentials.linux is None
    named = attrs.evolve(access, linux_password_env="VMIC_LINUX_PW")  # noqa: S106 - a variable name
    found = named.credentials(
        resolver({"VMIC_GUEST_PASSWORD": SECRET, "VMIC_LINUX_PW": "linux-pw"}), host="hv01"
    ).linux
    assert found is not None
    assert found.password.reveal() == "linux-pw"


@pytest.mark.parametrize(
    ("reported", "address"),
    [
        ("10.1.2.3", "10.1.2.3"),
        (" 10.1.2.3 ;192.168.0.9", "10.1.2.3"),
        ("127.0.0.1;10.1.2.3", "10.1.2.3"),
        ("0.0.0.0;169.254.7.7;224.0.0.1;10.9.9.9", "10.9.9.9"),
        ("-oProxyCommand=touch /tmp/x;10.1.2.3", "10.1.2.3"),
        ("fe80::1;10.1.2.3", "10.1.2.3"),
    ],
)
def test_the_guest_reported_address_is_checked(reported: str, address: str) -> None:
    access = GuestAccess(linux="ssh", linux_username="vmic")
    vm = vm_with("Ubuntu 22.04", {"NetworkAddressIPv4": reported})
    executor = guest_executor(LocalExecutor(), vm, access, access.credentials(resolver(), host="h"))
    assert isinstance(executor, SshExecutor)
    assert f"host={address!r}" in repr(executor)
    executor.close()


@pytest.mark.parametrize("reported", ["127.0.0.1", "localhost", "0.0.0.0;255.255.255.255", " ; "])
def test_no_usable_guest_address_is_a_configuration_error(reported: str) -> None:
    access = GuestAccess(linux="ssh", linux_username="vmic")
    vm = vm_with("Ubuntu 22.04", {"NetworkAddressIPv4": reported})
    with pytest.raises(ConfigurationError, match="no IPv4 address"):
        guest_executor(LocalExecutor(), vm, access, access.credentials(resolver(), host="h"))


class _Tracked(Closing):
    """An executor that passes commands on and counts how often it is closed."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.closed = 0

    def run(self, command: Command) -> Result:
        return self.inner.run(command)

    def close(self) -> None:
        self.closed += 1


@pytest.mark.parametrize("answers", [True, False])
def test_each_guest_connection_is_closed_once_its_guest_is_read(
    monkeypatch: pytest.MonkeyPatch, answers: bool
) -> None:
    lab = FakeHyperVHost("HV01")
    lab.add_vm("web01", "Ubuntu 22.04")
    vm = HyperVHost(lab).observe().vms[0]
    inner: Executor = lab.guest_executor("web01") if answers else FakeExecutor()
    opened: list[_Tracked] = []

    def reach(*_: object, **__: object) -> Executor:
        opened.append(_Tracked(inner))
        return opened[-1]

    monkeypatch.setattr(inventory_module, "guest_executor", reach)
    entry = HostEntry(
        name="hv01", transport="local", guests=GuestAccess(linux="ssh", linux_username="vmic")
    )
    target = entry.target(resolver())
    assert target.observe_guest is not None
    if answers:
        assert target.observe_guest(vm) is not None
    else:
        with pytest.raises(UnknownCommandError):
            target.observe_guest(vm)
    assert [tracked.closed for tracked in opened] == [1]


@pytest.mark.parametrize("port", [0, -1, 65536, True, "22"])
def test_ports_are_checked_whoever_builds_the_entry(port: object) -> None:
    with pytest.raises(ConfigurationError, match="port must be a number from 1 to 65535"):
        HostEntry(name="a", port=port)  # type: ignore[arg-type]


def test_a_local_host_never_asks_for_a_password() -> None:
    def ask(text: str) -> str:
        pytest.fail(f"prompted: {text}")

    secrets = CredentialResolver(environ={}, use_keyring=False, prompt=ask)
    executor = HostEntry(name="here", transport="local", username="admin").executor(secrets)
    assert isinstance(executor, LocalExecutor)


def test_end_of_file_at_the_prompt_is_no_password() -> None:
    def ask(text: str) -> str:
        raise EOFError

    secrets = CredentialResolver(environ={}, use_keyring=False, prompt=ask)
    assert secrets.credential("audit", target="hv01") is None


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"VMIC_PASSWORD": "ab\udcffc"}, "$VMIC_PASSWORD cannot be used as a password"),
        ({"HV_PW": "x\udcfe", "VMIC_PASSWORD": "fine"}, "$HV_PW cannot be used as a password"),
    ],
)
def test_a_password_that_is_not_text_is_a_configuration_error(
    environ: dict[str, str], words: str
) -> None:
    # os.environ holds undecodable bytes as lone surrogates, which no transport can send.
    with pytest.raises(ConfigurationError) as info:
        resolver(environ).credential("audit", target="hv01", env_var="HV_PW")
    assert str(info.value).startswith(words)
    assert "\udcff" not in str(info.value)
    assert "\udcfe" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[[hosts]]\nname = "hv01\\nFAKE: ok"\n', "hosts[0].name"),
        ('[[hosts]]\nname = "hv01"\naddress = "10.0.0.1\\u0000"\n', "hosts[0].address"),
        ('[[hosts]]\nname = "hv01"\nusername = "\\u001b[2Jadmin"\n', "hosts[0].username"),
        ('[[hosts]]\nname = "a"\nssh_keys = ["~/.ssh/k\\r"]\n', "hosts[0].ssh_keys"),
    ],
)
def test_control_characters_in_inventory_strings_are_refused(text: str, where: str) -> None:
    with pytest.raises(InventoryError, match=rf"{re.escape(where)}: must not contain control"):
        parse_inventory(text)


@pytest.mark.parametrize("name", ["", " ", "hv01\nvmic: all good", "hv\x1b[31m01", None])
def test_host_names_are_one_line_of_text_whoever_builds_the_entry(name: object) -> None:
    with pytest.raises(ConfigurationError, match="a host name must be non-empty text"):
        HostEntry(name=name)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (HostEntry(name="a", transport="ssh", ssh_keys=("/nonexistent/id",)), "SSH key file"),
        (HostEntry(name="a", ca_bundle="/nonexistent/ca.pem"), "CA bundle file"),
        (
            HostEntry(
                name="a",
                transport="local",
                guests=GuestAccess(linux="ssh", linux_username="u", ssh_keys=("/nonexistent/g",)),
            ),
            "guest SSH key file",
        ),
    ],
)
def test_a_missing_key_or_ca_file_is_named_before_anything_connects(
    entry: HostEntry, words: str
) -> None:
    # It was found only when connecting, and reported as an unreachable host (exit 3).
    with pytest.raises(ConfigurationError, match=words) as caught:
        entry.check_files()
    assert "/nonexistent/" in str(caught.value)
    inventory = Inventory(hosts=(HostEntry(name="fine", transport="local"), entry), source="f")
    with pytest.raises(InventoryError, match=rf"^f: hosts\[1\]: host 'a': the {words}"):
        inventory.check_files()


def test_a_guest_reason_is_kept_whole() -> None:
    # Issue 15: errors are whole in the data (a long DNS cause was once cut at 300 characters).
    cause = "name resolution failed: " + "x" * 500 + ".example"

    def fail(_vm: object) -> None:
        raise ConnectionFailedError(cause)

    target = HostTarget(name="hv01", observe=lambda: Host("hv01"), observe_guest=fail)
    seen = observe_guest(target, b.vm("app"))
    assert isinstance(seen, GuestUnreachable)
    assert seen.reason == cause
