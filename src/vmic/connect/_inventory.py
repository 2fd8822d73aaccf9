r"""The TOML inventory: hosts, how to reach them, and how to reach their guests.

Almost every key of an inventory is a transport option (address, transport, port,
account, TLS, SSH keys, guest access), so the inventory is read here, beside the
code that turns those options into executors; only ``[audit]`` (concurrency and
timeout) is about the audit, and it is two numbers.

Files are read by :mod:`vmic.connect._sources` (TOML, or Ansible YAML/INI). The format
is described in ``docs/audit.md``; ``docs/inventory.example.toml`` is a
complete example. In short::

    [audit]  # optional: defaults for the command line
    concurrency = 20
    timeout = 60

    [defaults]  # optional: keys every host inherits
    transport = "psrp"
    username = "CONTOSO\\vmic-audit"

    [defaults.guests]  # optional: how to reach guests (default: not at all)
    windows = "powershell_direct"
    username = "Administrator"

    [[hosts]]
    name = "hv01.contoso.com"

An inventory holds no passwords: a ``password`` key is an error. Passwords come from
the environment, the system keyring or a prompt (:class:`~vmic.connect.CredentialResolver`).

>>> inventory = parse_inventory('[[hosts]]\nname = "hv01"\ntransport = "local"\n')
>>> inventory.hosts[0].name, inventory.hosts[0].transport
('hv01', 'local')
"""

from __future__ import annotations

import contextlib
import difflib
import ipaddress
import math
import threading
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

import attrs

from vmic.connect._credentials import GUEST_PASSWORD_ENV, HOST_PASSWORD_ENV, CredentialResolver
from vmic.connect._targets import HostTarget, vm_uuid
from vmic.errors import ConfigurationError
from vmic.render import visible

if TYPE_CHECKING:
    from vmic.executors._command import Credential
    from vmic.executors._protocol import Executor
    from vmic.model._guest import Guest, GuestUnreachable
    from vmic.model._host import VM

__all__ = [
    "GUEST_ACCESS",
    "PSRP_AUTHS",
    "TRANSPORTS",
    "GuestAccess",
    "GuestCredentials",
    "HostEntry",
    "Inventory",
    "InventoryError",
    "parse_inventory",
]

#: How vmic reaches a Hyper-V host.
TRANSPORTS: Final = ("psrp", "ssh", "local")
#: How vmic reaches guests: Windows through PowerShell Direct, Linux over SSH, or not at all.
GUEST_ACCESS: Final = {"windows": ("powershell_direct", "none"), "linux": ("ssh", "none")}
_SECRET_KEYS: Final = frozenset({"password", "passphrase", "secret", "token"})
#: The shortest timeout vmic accepts, in seconds (as :func:`vmic.audit.audit` does).
SHORTEST_TIMEOUT: Final = 0.001
#: PSRP authentication protocols (:data:`vmic.executors._psrp.PsrpAuth`, without loading pypsrp).
PSRP_AUTHS: Final = ("negotiate", "kerberos", "ntlm", "credssp", "basic", "certificate")


class InventoryError(ConfigurationError):
    r"""The inventory cannot be read or holds something vmic does not accept.

    The message is one line whatever the file holds: a key path of the file's own names
    (a group called ``"\n"``) goes through the one sanitising policy.

    Attributes:
        source: The file (or ``"<inventory>"``) the text came from.
        where: The key path of the problem (``hosts[2].transport``), or ``""``.
    """

    def __init__(self, message: str, *, source: str, where: str = "") -> None:
        self.source = source
        self.where = where
        location = f"{source}: {where}: " if where else f"{source}: "
        super().__init__(visible(location + message))


_v = attrs.validators


def _check_name(_instance: object, _attribute: object, value: str) -> None:
    checked: object = value
    if not isinstance(checked, str) or not checked.strip() or not _printable(checked):
        raise ConfigurationError(
            f"a host name must be non-empty text without control characters, not {value!r}"
        )


def _check_port(_instance: object, _attribute: object, value: int | None) -> None:
    checked: object = value
    if checked is not None and (
        isinstance(checked, bool) or not isinstance(checked, int) or not 0 < checked < 65536
    ):
        raise ConfigurationError(f"port must be a number from 1 to 65535, not {value!r}")


def _check_seconds(_instance: object, _attribute: object, value: float | None) -> None:
    checked: object = value
    if checked is not None and (
        isinstance(checked, bool)
        or not isinstance(checked, int | float)
        or not SHORTEST_TIMEOUT <= checked < math.inf
    ):
        raise ConfigurationError(f"connect_timeout must be finite seconds > 0, not {value!r}")


@attrs.frozen(kw_only=True)
class GuestAccess:
    """How to reach the guests of a host.

    Attributes:
        windows: ``"powershell_direct"`` (through the host) or ``"none"``.
        linux: ``"ssh"`` (to the address Data Exchange reports) or ``"none"``.
        username: Windows guest account for PowerShell Direct.
        password_env: Environment variable with that account's password
            (default ``VMIC_GUEST_PASSWORD``).
        linux_username: SSH user for Linux guests.
        linux_password_env: Environment variable with its password, if it uses one
            (no default: the Windows guests' ``VMIC_GUEST_PASSWORD`` is never offered to
            Linux guests, whose address the guest itself reports).
        ssh_keys: Private key files for Linux guests.
        known_hosts: known_hosts file for Linux guests.
    """

    windows: str = attrs.field(default="none", validator=_v.in_(GUEST_ACCESS["windows"]))
    linux: str = attrs.field(default="none", validator=_v.in_(GUEST_ACCESS["linux"]))
    username: str | None = None
    password_env: str | None = None
    linux_username: str | None = None
    linux_password_env: str | None = None
    ssh_keys: tuple[str, ...] = ()
    known_hosts: str | None = None

    @property
    def enabled(self) -> bool:
        """Whether any guest is asked."""
        return self.windows != "none" or self.linux != "none"

    def credentials(self, resolver: CredentialResolver, *, host: str) -> GuestCredentials:
        """Look the guest accounts' passwords up now (before any worker thread runs).

        The Windows account may be prompted for; the Linux account never is, since SSH
        keys are the usual way in (a password is used when ``linux_password_env`` or the
        keyring has one; never the general ``VMIC_GUEST_PASSWORD``, which is the Windows
        account's).
        """
        windows = None
        if self.windows != "none" and self.username:
            windows = resolver.credential(
                self.username,
                target=host,
                env_var=self.password_env,
                default_env=GUEST_PASSWORD_ENV,
            )
        linux = None
        if self.linux != "none" and self.linux_username:
            linux = resolver.credential(
                self.linux_username,
                target=host,
                env_var=self.linux_password_env,
                default_env="",
                prompt=False,
            )
        return GuestCredentials(windows=windows, linux=linux)


@attrs.frozen(kw_only=True)
class GuestCredentials:
    """The guest accounts of one host, with their passwords (never shown).

    Attributes:
        windows: For PowerShell Direct into Windows guests.
        linux: For SSH into Linux guests, when a password was found (else keys).
    """

    windows: Credential | None = None
    linux: Credential | None = None


@attrs.frozen(kw_only=True)
class HostEntry:
    """One host of the inventory.

    Attributes:
        name: The name reports use.
        address: Where to connect (default: the name).
        transport: ``"psrp"``, ``"ssh"`` or ``"local"``.
        port: The port (default: the transport's).
        username: The account (None: current Kerberos ticket or SSH defaults).
        password_env: Environment variable with that account's password
            (default ``VMIC_PASSWORD``).
        auth: PSRP authentication (``negotiate``...).
        use_tls: PSRP over HTTPS (default) or HTTP with message encryption.
        ca_bundle: PSRP: CA file to validate the host's certificate.
        ssh_keys: SSH private key files.
        known_hosts: SSH known_hosts file.
        guests: How to reach this host's guests.
        connect_timeout: Seconds connecting and logging in may take, to the host and to
            its Linux guests over SSH (None: the executors' own 30 s). Every command a
            user gives ``--timeout`` sets it, so no command waits longer to connect.
    """

    name: str = attrs.field(validator=_check_name)
    address: str | None = None
    transport: str = attrs.field(default="psrp", validator=_v.in_(TRANSPORTS))
    port: int | None = attrs.field(default=None, validator=_check_port)
    username: str | None = None
    password_env: str | None = None
    auth: str = attrs.field(default="negotiate", validator=_v.in_(PSRP_AUTHS))
    use_tls: bool = True
    ca_bundle: str | None = None
    ssh_keys: tuple[str, ...] = ()
    known_hosts: str | None = None
    guests: GuestAccess = attrs.field(factory=GuestAccess)
    connect_timeout: float | None = attrs.field(default=None, validator=_check_seconds)

    def within(self, seconds: float | None) -> HostEntry:
        """This entry, connecting within *seconds* unless it says a time of its own."""
        if seconds is None or self.connect_timeout is not None:
            return self
        return attrs.evolve(self, connect_timeout=seconds)

    def executor(self, resolver: CredentialResolver) -> Executor:
        """The executor that reaches this host (connections open on first use).

        Raises:
            vmic.errors.MissingExtraError: The transport's extra is not installed.
        """
        if self.transport == "local":
            # No login, so no password to look up (or to prompt for).
            from vmic.executors._local import LocalExecutor  # noqa: PLC0415 - load on use

            return LocalExecutor()
        address = self.address or self.name
        credential = resolver.credential(
            self.username, target=address, env_var=self.password_env, default_env=HOST_PASSWORD_ENV
        )
        deadline = _deadline(self.connect_timeout)
        if self.transport == "ssh":
            from vmic.executors._ssh import SshExecutor  # noqa: PLC0415 - optional extra

            return SshExecutor(
                address,
                port=self.port or 22,
                username=self.username,
                credential=credential,
                client_keys=list(self.ssh_keys) or None,
                known_hosts=self.known_hosts,
                **deadline,
            )
        from vmic.executors._psrp import PsrpExecutor  # noqa: PLC0415 - optional extra

        return PsrpExecutor(
            address,
            credential=credential,
            port=self.port,
            auth=self.auth,  # type: ignore[arg-type]
            use_tls=self.use_tls,
            ca_bundle=self.ca_bundle,
            **deadline,
        )

    def check_files(self) -> None:
        """Check that the key and CA files this host's transport will read exist.

        Executors read them only when they connect, where a missing file would look
        like an unreachable host; the CLI checks first, so that the user hears which
        file is missing (a usage error, exit 2).

        Raises:
            vmic.ConfigurationError: A file does not exist; the message names it.
        """
        if self.transport == "ssh":
            _check_files(self.ssh_keys, "SSH key", self.name)
        elif self.transport == "psrp" and self.ca_bundle:
            _check_files((self.ca_bundle,), "CA bundle", self.name)
        if self.guests.linux != "none":
            _check_files(self.guests.ssh_keys, "guest SSH key", self.name)

    def target(self, resolver: CredentialResolver, *, timeout: float | None = None) -> HostTarget:
        """The audit target: the host over its transport, and its guests as configured.

        Args:
            resolver: Where passwords come from.
            timeout: Seconds each command may run (None: the clients' default); also how
                long connecting may take, unless :attr:`connect_timeout` says.
        """
        entry = self.within(timeout)
        executor = entry.executor(resolver)
        guests = self.guests
        if not guests.enabled:
            return HostTarget.for_executor(executor, name=self.name, timeout=timeout)
        credentials = guests.credentials(resolver, host=self.name)
        # Guests of one host are read at once, each in its own thread: each thread keeps
        # the connections it opened and closes them when its guest is done.
        local = threading.local()

        def reach(vm: VM) -> Executor | None:
            guest = guest_executor(
                executor, vm, guests, credentials, connect_timeout=entry.connect_timeout
            )
            if guest is not None:
                local.opened.append(guest)
            return guest

        # With a guest account, the host's own command asks its Windows guests (one
        # round trip); *reach* is left for the guests it does not (Linux over SSH).
        fan_out = credentials.windows if guests.windows == "powershell_direct" else None
        target = HostTarget.for_executor(
            executor, name=self.name, guests=reach, timeout=timeout, fan_out=fan_out
        )
        read_guest = target.observe_guest
        assert read_guest is not None  # noqa: S101 - for_executor was given guests

        def observe_guest(vm: VM) -> Guest | GuestUnreachable | None:
            # Each guest's connection (an SSH session and its thread) ends with its reading.
            opened: list[Executor] = []
            local.opened = opened
            try:
                return read_guest(vm)
            finally:
                while opened:
                    # Closing must not change the guest's reading.
                    with contextlib.suppress(Exception):
                        opened.pop().close()

        return attrs.evolve(target, observe_guest=observe_guest)


def _check_files(paths: tuple[str, ...], what: str, host: str) -> None:
    """Raise ConfigurationError naming the first of *paths* that is not a readable file."""
    for path in paths:
        if not Path(path).expanduser().is_file():
            raise ConfigurationError(f"host {host!r}: the {what} file {path!r} does not exist")


def guest_executor(
    host: Executor,
    vm: VM,
    access: GuestAccess,
    credentials: GuestCredentials,
    *,
    connect_timeout: float | None = None,
) -> Executor | None:
    """The executor for one VM's guest, or None when the access settings leave it out.

    *connect_timeout* bounds connecting to a Linux guest over SSH (None: 30 s).

    Raises:
        ConfigurationError: The guest should be asked but cannot be (no account, no
            password, no address); the audit reports the guest as unreachable with this
            reason.
    """
    guest_os = vm.guest_os
    if guest_os is not None and guest_os.is_linux:
        if access.linux == "none":
            return None
        address = _first_address(vm)
        if address is None:
            msg = (
                "Data Exchange reports no IPv4 address vmic can use for the guest (loopback, "
                "link-local and malformed entries are skipped), so SSH has nowhere to go"
            )
            raise ConfigurationError(msg)
        from vmic.executors._ssh import SshExecutor  # noqa: PLC0415 - optional extra

        return SshExecutor(
            address,
            username=access.linux_username,
            credential=credentials.linux,
            client_keys=list(access.ssh_keys) or None,
            known_hosts=access.known_hosts,
            **_deadline(connect_timeout),
        )
    if access.windows == "none":
        return None
    if not access.username:
        msg = "PowerShell Direct needs a guest account: set guests.username in the inventory"
        raise ConfigurationError(msg)
    if credentials.windows is None:
        raise ConfigurationError(
            f"no password for guest account {access.username!r}: set {GUEST_PASSWORD_ENV} "
            "or store it in the keyring"
        )
    from vmic.executors._direct import PowerShellDirectExecutor  # noqa: PLC0415 - load on use

    return PowerShellDirectExecutor(host, vm_uuid(vm), credentials.windows)


def _deadline(connect_timeout: float | None) -> dict[str, Any]:
    """An executor's ``connect_timeout`` argument, when one is given (else its own 30 s)."""
    return {} if connect_timeout is None else {"connect_timeout": connect_timeout}


def _first_address(vm: VM) -> str | None:
    """The first unicast IPv4 address the guest reports for itself.

    The guest writes this list, so it is checked: an entry that is no address, or one
    that would point SSH (and the guest credential) at this machine or at no machine,
    is skipped.
    """
    for text in (vm.item("NetworkAddressIPv4") or "").split(";"):
        try:
            address = ipaddress.IPv4Address(text.strip())
        except ValueError:
            continue
        if not (
            address.is_loopback
            or address.is_unspecified
            or address.is_multicast
            or address.is_link_local
            or address.is_reserved
        ):
            return str(address)
    return None


@attrs.frozen(kw_only=True)
class Inventory:
    """A parsed inventory.

    Attributes:
        hosts: The hosts, in file order.
        concurrency: ``[audit] concurrency``, when given.
        timeout: ``[audit] timeout`` in seconds, when given.
        source: Where it was read from.
    """

    hosts: tuple[HostEntry, ...]
    concurrency: int | None = None
    timeout: float | None = None
    source: str = "<inventory>"

    def check_files(self) -> None:
        """Check every host's key and CA files (see :meth:`HostEntry.check_files`).

        Raises:
            InventoryError: A file does not exist; the message names the host and file.
        """
        for index, entry in enumerate(self.hosts):
            try:
                entry.check_files()
            except ConfigurationError as error:
                raise InventoryError(
                    str(error), source=self.source, where=f"hosts[{index}]"
                ) from None

    def targets(
        self, resolver: CredentialResolver | None = None, *, timeout: float | None = None
    ) -> list[HostTarget]:
        """One audit target per host.

        Every password (hosts and guests) is looked up now, in this thread, so a prompt
        never comes from a worker thread in the middle of the audit.

        Args:
            resolver: Where passwords come from (default: environment and keyring).
            timeout: Seconds each command may run (default: the inventory's
                ``[audit] timeout``, else the clients' default).
        """
        resolver = resolver or CredentialResolver()
        seconds = timeout if timeout is not None else self.timeout
        return [entry.target(resolver, timeout=seconds) for entry in self.hosts]


_HOST_KEYS: Final = (
    "name",
    "address",
    "transport",
    "port",
    "username",
    "password_env",
    "auth",
    "use_tls",
    "ca_bundle",
    "ssh_keys",
    "known_hosts",
    "guests",
)
_GUEST_KEYS: Final = (
    "windows",
    "linux",
    "username",
    "password_env",
    "linux_username",
    "linux_password_env",
    "ssh_keys",
    "known_hosts",
)
_AUDIT_KEYS: Final = ("concurrency", "timeout")
_TOP_KEYS: Final = ("audit", "defaults", "hosts")


def parse_inventory(text: str, *, source: str = "<inventory>") -> Inventory:
    """Read inventory text (TOML); see :func:`load_inventory`.

    Raises:
        InventoryError: Not TOML, or a key or value vmic does not accept.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InventoryError(f"not valid TOML: {error}", source=source) from None
    except RecursionError:
        # tomllib reads nested arrays and inline tables recursively.
        nested = "not an inventory: values are nested too deeply"
        raise InventoryError(nested, source=source) from None
    except ValueError:
        # int() refuses an integer of thousands of digits, and tomllib passes that on.
        message = "not an inventory: it holds a number too long to read"
        raise InventoryError(message, source=source) from None
    _check_keys(data, _TOP_KEYS, "", source)
    audit = _table(data.get("audit", {}), "audit", source)
    _check_keys(audit, _AUDIT_KEYS, "audit", source)
    defaults = _table(data.get("defaults", {}), "defaults", source)
    _check_keys(defaults, tuple(k for k in _HOST_KEYS if k != "name"), "defaults", source)
    hosts = data.get("hosts", [])
    if not isinstance(hosts, list) or not hosts:
        _fail("no hosts: add at least one [[hosts]] table", source)
    entries = []
    seen: set[str] = set()
    for index, raw in enumerate(hosts):
        where = f"hosts[{index}]"
        table = _table(raw, where, source)
        _check_keys(table, _HOST_KEYS, where, source)
        entry = _host(defaults, table, where, source)
        if entry.name in seen:
            raise InventoryError(f"host {entry.name!r} is listed twice", source=source, where=where)
        seen.add(entry.name)
        entries.append(entry)
    return Inventory(
        hosts=tuple(entries),
        concurrency=_optional_int(audit, "concurrency", "audit", source),
        timeout=_optional_seconds(audit, "timeout", "audit", source),
        source=source,
    )


def _fail(message: str, source: str, where: str = "") -> NoReturn:
    raise InventoryError(message, source=source, where=where)


def _table(value: object, where: str, source: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail("must be a table", source, where)
    return value


def _check_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str, source: str) -> None:
    for key in table:
        path = f"{where}.{key}" if where else key
        if key.lower() in _SECRET_KEYS or key.lower().endswith("password"):
            _fail(
                "an inventory holds no passwords; use an environment variable "
                "(password_env), the system keyring or the prompt",
                source,
                path,
            )
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(allowed)}"
            raise InventoryError(f"unknown key{hint}", source=source, where=path)


def _printable(value: str) -> bool:
    # TOML escapes can put NUL, newlines or terminal escapes into a string; a host name
    # or path holding one would split the one-line errors and reports it appears in.
    return value.isprintable()


def _string(table: dict[str, Any], key: str, where: str, source: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        _fail("must be a non-empty string", source, f"{where}.{key}")
    if not _printable(value):
        _fail("must not contain control characters", source, f"{where}.{key}")
    return value


def _strings(table: dict[str, Any], key: str, where: str, source: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        _fail("must be a list of strings", source, f"{where}.{key}")
    if not all(_printable(v) for v in value):
        _fail("must not contain control characters", source, f"{where}.{key}")
    return tuple(value)


def _choice(
    table: dict[str, Any], key: str, choices: tuple[str, ...], where: str, source: str
) -> str | None:
    value = _string(table, key, where, source)
    if value is not None and value not in choices:
        raise InventoryError(
            f"{value!r} is not one of {', '.join(choices)}", source=source, where=f"{where}.{key}"
        )
    return value


def _optional_int(table: dict[str, Any], key: str, where: str, source: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        _fail("must be a whole number >= 1", source, f"{where}.{key}")
    return value


def _optional_seconds(table: dict[str, Any], key: str, where: str, source: str) -> float | None:
    value = table.get(key)
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not value >= SHORTEST_TIMEOUT
    ):
        _fail(
            f"must be a finite number of seconds, at least {SHORTEST_TIMEOUT:g}, not {value!r}",
            source,
            f"{where}.{key}",
        )
    return float(value)


def _guests(
    defaults: dict[str, Any], table: dict[str, Any], where: str, source: str
) -> GuestAccess:
    merged: dict[str, Any] = {}
    for origin, raw in (
        ("defaults.guests", defaults.get("guests")),
        (f"{where}.guests", table.get("guests")),
    ):
        if raw is None:
            continue
        guest_table = _table(raw, origin, source)
        _check_keys(guest_table, _GUEST_KEYS, origin, source)
        merged.update(guest_table)
    here = f"{where}.guests"
    return GuestAccess(
        windows=_choice(merged, "windows", GUEST_ACCESS["windows"], here, source) or "none",
        linux=_choice(merged, "linux", GUEST_ACCESS["linux"], here, source) or "none",
        username=_string(merged, "username", here, source),
        password_env=_string(merged, "password_env", here, source),
        linux_username=_string(merged, "linux_username", here, source),
        linux_password_env=_string(merged, "linux_password_env", here, source),
        ssh_keys=_strings(merged, "ssh_keys", here, source),
        known_hosts=_string(merged, "known_hosts", here, source),
    )


def _host(defaults: dict[str, Any], table: dict[str, Any], where: str, source: str) -> HostEntry:
    merged = {**{k: v for k, v in defaults.items() if k != "guests"}, **table}
    name = _string(merged, "name", where, source)
    if name is None:
        _fail("every host needs a name", source, f"{where}.name")
    use_tls = merged.get("use_tls", True)
    if not isinstance(use_tls, bool):
        _fail("must be true or false", source, f"{where}.use_tls")
    port = merged.get("port")
    if port is not None and (
        isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536
    ):
        _fail("must be a port number", source, f"{where}.port")
    return HostEntry(
        name=name,
        address=_string(merged, "address", where, source),
        transport=_choice(merged, "transport", TRANSPORTS, where, source) or "psrp",
        port=port,
        username=_string(merged, "username", where, source),
        password_env=_string(merged, "password_env", where, source),
        auth=_choice(merged, "auth", PSRP_AUTHS, where, source) or "negotiate",
        use_tls=use_tls,
        ca_bundle=_string(merged, "ca_bundle", where, source),
        ssh_keys=_strings(merged, "ssh_keys", where, source),
        known_hosts=_string(merged, "known_hosts", where, source),
        guests=_guests(defaults, table, where, source),
    )
