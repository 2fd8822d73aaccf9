"""What a Linux guest reports about its integration services, as typed records.

The guest-side checks of the "Manage Hyper-V Integration Services" article read
kernel modules (``lsmod``), processes (``ps -ef``) and available commands
(``compgen -c hv_``); distributions add systemd units, and the KVP daemon keeps
its data in pool files under ``/var/lib/hyperv``. The parsers in
:mod:`vmic.parsers._linux` and :mod:`vmic.parsers._kvp` return these records.

>>> from vmic.model._linux_records import LoadedModule, ModuleList, ModuleStatus
>>> listing = ModuleList((LoadedModule("hv_vmbus", 61440, 1, ("hv_utils",)),))
>>> listing.status("hv_utils")
ModuleStatus.NOT_LISTED
>>> listing.status("hv_utils", builtin=frozenset({"hv_utils"}))
ModuleStatus.BUILT_IN
>>> ProcessRecord("root", 1286, 1, "Jul11", "?", "00:01:11", "/usr/sbin/hypervkvpd -n").service
IntegrationService.KEY_VALUE_PAIR_EXCHANGE
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from vmic.errors import InvalidRecordError
from vmic.model._linux import all_packaging
from vmic.model._linux_packaging import PsFormat
from vmic.model._named import NamedEnum, counted, cut, named
from vmic.model._patterns import (
    CONTROL,
    CPU_TIME,
    MODULE_NAME,
    SHORT_CPU_TIME,
    SUB_STATE,
    UNIT_NAME,
    UNPRINTABLE,
)
from vmic.model._services import IntegrationService
from vmic.model._slots import filler

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    _T = TypeVar("_T")
    _Validator = Callable[[Any, Any, _T], None]

__all__ = [
    "DAEMON_NAME_RE",
    "KVP_KEY_SIZE",
    "KVP_POOL_DIRECTORY",
    "KVP_RECORD_SIZE",
    "KVP_VALUE_SIZE",
    "MAX_PID",
    "MAX_SIZE",
    "CommandList",
    "InvalidRecordError",
    "KvpPool",
    "KvpRecord",
    "LoadedModule",
    "ModuleList",
    "ModuleStatus",
    "ProcessRecord",
    "PsFormat",
    "SystemdUnit",
    "UnitActiveState",
    "UnitFileState",
    "UnitLoadState",
    "daemon_service",
    "may_run_daemon",
    "module_name",
    "module_status",
    "unit_service",
]

#: Bytes of the key field of a pool record (``HV_KVP_EXCHANGE_MAX_KEY_SIZE``), NUL included.
KVP_KEY_SIZE: Final = 512
#: Bytes of the value field of a pool record (``HV_KVP_EXCHANGE_MAX_VALUE_SIZE``), NUL included.
KVP_VALUE_SIZE: Final = 2048
#: Bytes of one pool record: the key field followed by the value field, no header.
KVP_RECORD_SIZE: Final = KVP_KEY_SIZE + KVP_VALUE_SIZE
#: Where ``hv_kvp_daemon`` keeps its pool files (``KVP_CONFIG_LOC``).
KVP_POOL_DIRECTORY: Final = "/var/lib/hyperv"
#: Largest process id, reference count or ``C`` value a record holds (a signed 32-bit int).
MAX_PID: Final = 2**31 - 1
#: Largest module size a record holds (a signed 64-bit long).
MAX_SIZE: Final = 2**63 - 1


_WHITESPACE_RE: Final = re.compile(r"\s")


def _word(field: str) -> _Validator[str]:
    """A non-empty string without whitespace: one column of a whitespace-separated table."""

    def check(_instance: object, _attribute: object, value: str) -> None:
        if not value or _WHITESPACE_RE.search(value) or UNPRINTABLE.search(value):
            raise InvalidRecordError(
                field=field,
                value=value,
                reason="expected one non-empty word without spaces or control characters",
            )

    return check


def _line(field: str, *, trimmed: bool) -> _Validator[str]:
    """One line of printable text (and, if trimmed, non-empty without outer spaces)."""

    def check(_instance: object, _attribute: object, value: str) -> None:
        if UNPRINTABLE.search(value):
            raise InvalidRecordError(
                field=field,
                value=value,
                reason="must not contain a line break or another control character",
            )
        if trimmed and (not value or value.strip() != value):
            raise InvalidRecordError(
                field=field,
                value=value,
                reason="must be non-empty, without leading or trailing spaces",
            )

    return check


def _pattern(field: str, regex: re.Pattern[str], example: str) -> _Validator[str]:
    def check(_instance: object, _attribute: object, value: str) -> None:
        if regex.fullmatch(value) is None:
            raise InvalidRecordError(
                field=field, value=value, reason=f"expected something like {example!r}"
            )

    return check


def _counter(field: str, maximum: int) -> _Validator[int]:
    """A non-negative integer no larger than the column it is printed in can hold."""

    def check(_instance: object, _attribute: object, value: int) -> None:
        if not 0 <= value <= maximum:
            raise InvalidRecordError(
                field=field, value=value, reason=f"must be between 0 and {maximum}"
            )

    return check


def _positive_or_none(field: str) -> _Validator[int | None]:
    def check(_instance: object, _attribute: object, value: int | None) -> None:
        if value is not None and value <= 0:
            raise InvalidRecordError(
                field=field, value=value, reason="must be a positive integer or None"
            )

    return check


def module_name(name: str) -> str:
    """The name the kernel uses for a module: ``-`` becomes ``_``, a ``.ko`` path its stem.

    >>> module_name("kernel/drivers/hid/hid-hyperv.ko")
    'hid_hyperv'
    """
    stem = name.rsplit("/", 1)[-1]
    return stem.removesuffix(".ko").replace("-", "_")


# --- Kernel modules -------------------------------------------------------------------------


class ModuleStatus(NamedEnum):
    """Whether a kernel module is in the running kernel, as far as the evidence tells.

    ``lsmod`` lists loadable modules only: a driver compiled into the kernel (as
    ``hv_utils`` and ``hv_vmbus`` are on some cloud kernels) never appears there,
    so absence from the listing alone does not mean the driver is missing.
    """

    LOADED = "loaded"
    """Listed by ``lsmod`` (or ``/proc/modules``)."""
    NOT_LISTED = "not_listed"
    """Not listed, and unknown whether built in: either not loaded or compiled into the kernel."""
    BUILT_IN = "built_in"
    """Not listed, but ``modules.builtin`` names it: compiled into the kernel, so present."""
    ABSENT = "absent"
    """Not listed and not built in (``modules.builtin`` was read): not in the running kernel."""

    def __repr__(self) -> str:
        return f"ModuleStatus.{self.name}"


@attrs.frozen
class LoadedModule:
    """One loaded kernel module, as ``lsmod`` or ``/proc/modules`` lists it.

    Attributes:
        name: Module name (``hv_utils``).
        size: Size in bytes.
        use_count: Reference count; None when the kernel does not report one
            (``-`` in ``/proc/modules``, a negative number from ``lsmod``).
        used_by: Modules that use this one, in listing order.
    """

    name: str = attrs.field(
        validator=[
            attrs.validators.instance_of(str),
            _pattern("module name", MODULE_NAME, "hv_utils"),
        ]
    )
    size: int = attrs.field(
        validator=[attrs.validators.instance_of(int), _counter("module size", MAX_SIZE)]
    )
    use_count: int | None = attrs.field(
        validator=attrs.validators.optional(
            [attrs.validators.instance_of(int), _counter("use count", MAX_PID)]
        )
    )
    used_by: tuple[str, ...] = attrs.field(
        default=(),
        validator=attrs.validators.deep_iterable(
            member_validator=[
                attrs.validators.instance_of(str),
                _pattern("module name", MODULE_NAME, "hv_vmbus"),
            ],
            iterable_validator=attrs.validators.instance_of(tuple),
        ),
    )

    def __repr__(self) -> str:
        return f"<LoadedModule {named(self.name)}: used by {len(self.used_by)}>"

    @classmethod
    def _unchecked(
        cls, name: str, size: int, use_count: int | None, used_by: tuple[str, ...]
    ) -> LoadedModule:
        # For the lsmod parser only: it matches the name and every user against the module
        # name pattern and checks both numbers against their maximum, as the validators do.
        return _FILL_LOADED_MODULE(name, size, use_count, used_by)


_FILL_LOADED_MODULE: Final = filler(LoadedModule, "name", "size", "use_count", "used_by")


def _unique_modules(
    _instance: ModuleList, _attribute: object, value: tuple[LoadedModule, ...]
) -> None:
    seen: set[str] = set()
    for module in value:
        key = module_name(module.name)
        if key in seen:
            raise InvalidRecordError(
                field="modules", value=module.name, reason="a module can be listed only once"
            )
        seen.add(key)


def _index_modules(listing: ModuleList) -> dict[str, LoadedModule]:
    # Computed before the validators run: leave anything malformed to them.
    modules: object = listing.modules
    if not isinstance(modules, tuple):
        return {}
    return {
        module_name(module.name): module for module in modules if isinstance(module, LoadedModule)
    }


def module_status(
    loaded: Collection[str], name: str, *, builtin: frozenset[str] | None = None
) -> ModuleStatus:
    """Where a module stands, given the kernel names of the modules listed (see ModuleList)."""
    key = module_name(name)
    if key in loaded:
        return ModuleStatus.LOADED
    if builtin is None:
        return ModuleStatus.NOT_LISTED
    known = {module_name(entry) for entry in builtin}
    return ModuleStatus.BUILT_IN if key in known else ModuleStatus.ABSENT


@attrs.frozen
class ModuleList:
    """The loadable modules a kernel listed, and what that says about any module.

    Attributes:
        modules: The listed modules, in listing order (no name twice).
    """

    modules: tuple[LoadedModule, ...] = attrs.field(
        default=(),
        validator=[
            attrs.validators.deep_iterable(
                member_validator=attrs.validators.instance_of(LoadedModule),
                iterable_validator=attrs.validators.instance_of(tuple),
            ),
            _unique_modules,
        ],
    )
    _index: dict[str, LoadedModule] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(_index_modules, takes_self=True),
    )

    @classmethod
    def _unchecked(
        cls, modules: tuple[LoadedModule, ...], index: dict[str, LoadedModule]
    ) -> ModuleList:
        # For the lsmod parser only: it builds every module, keys each by its kernel name
        # (``module_name``) and refuses a name listed twice, as the validators and the index
        # would; *index* is its own, each module by that key.
        return _FILL_MODULE_LIST(modules, index)

    def get(self, name: str) -> LoadedModule | None:
        """The listed module of that name (``-`` and ``_`` are the same), or None."""
        return self._index.get(module_name(name))

    def status(self, name: str, *, builtin: frozenset[str] | None = None) -> ModuleStatus:
        """Where a module stands: loaded, built in, absent, or not listed (unknown).

        Args:
            name: Module name (``hv_utils``); ``-`` and ``_`` are the same.
            builtin: Names from ``modules.builtin`` of the running kernel
                (see ``vmic.parsers._linux.parse_modules_builtin``); None when it was not read.
        """
        return module_status(self._index, name, builtin=builtin)

    def __repr__(self) -> str:
        return f"<ModuleList {counted(len(self.modules), 'module')}>"


_FILL_MODULE_LIST: Final = filler(ModuleList, "modules", "_index")


# --- Processes ------------------------------------------------------------------------------


def _daemon_table() -> dict[str, IntegrationService]:
    table = {
        daemon: service for service in IntegrationService for daemon in service.info.linux_daemons
    }
    for packaging in all_packaging():
        table.update(
            {
                daemon: service
                for service in packaging.daemons
                for daemon in packaging.daemon_names_for(service)
            }
        )
    return table


def _unit_table() -> dict[str, IntegrationService]:
    table = {
        unit: service for packaging in all_packaging() for service, unit in packaging.units.items()
    }
    for packaging in all_packaging():
        for daemon, unit in packaging.unit_by_daemon.items():
            service = next(s for s in packaging.daemons if daemon in packaging.daemon_names_for(s))
            table[unit] = service
    return table


_DAEMONS: Final = _daemon_table()
_UNITS: Final = _unit_table()


#: Any Hyper-V daemon's name, anywhere: a command line without one runs none of them.
DAEMON_NAME_RE: Final = re.compile(
    "|".join(sorted(map(re.escape, _DAEMONS), key=len, reverse=True))
)


def may_run_daemon(command: str) -> bool:
    """Whether a command line names a Hyper-V daemon at all: a quick test, before the exact one.

    Every command whose record has a ``daemon`` passes; one that fails runs no daemon.
    """
    return DAEMON_NAME_RE.search(command) is not None


def daemon_service(name: str) -> IntegrationService | None:
    """The service a Hyper-V daemon binary serves (``hypervkvpd`` → KVP), or None.

    A path is reduced to its last component first.
    """
    return _DAEMONS.get(name.rsplit("/", 1)[-1])


def unit_service(name: str) -> IntegrationService | None:
    """The service a systemd unit runs the daemon of, for any known distribution, or None.

    A name without a type suffix is taken as a ``.service`` unit, as systemctl does.
    """
    if name in _UNITS:
        return _UNITS[name]  # also OpenRC and rc.d service names
    if "." not in name:
        name += ".service"
    return _UNITS.get(name)


def _command_of(record: ProcessRecord) -> str:
    # Derived fields are computed before the validators run (attrs sets every field first).
    command: object = record.command
    return command if isinstance(command, str) else ""


def _is_kernel_thread(record: ProcessRecord) -> bool:
    # ps shows a process without a command line (a kernel thread) as its name in brackets.
    command = _command_of(record)
    return command.startswith("[") and command.endswith("]")


def _daemon_of(record: ProcessRecord) -> str | None:
    return None if record.kernel_thread else _daemon_program(_command_of(record))


def _daemon_program(command: str) -> str | None:
    """The Hyper-V daemon a command line runs (its program, without the directory), or None."""
    words = command.split(maxsplit=1)
    if not words:
        return None
    program = words[0].rsplit("/", 1)[-1]
    return program if program in _DAEMONS else None


def _service_of(record: ProcessRecord) -> IntegrationService | None:
    return None if record.daemon is None else _DAEMONS[record.daemon]


def _optional(check: _Validator[_T]) -> _Validator[_T | None]:
    def optional(instance: object, attribute: object, value: _T | None) -> None:
        if value is not None:
            check(instance, attribute, value)

    return optional


def _optional_counter(field: str, maximum: int) -> _Validator[int | None]:
    """None, or a counter as :func:`_counter` checks it."""
    counter = _counter(field, maximum)

    def check(instance: object, attribute: object, value: int | None) -> None:
        if value is None:
            return
        if not isinstance(value, int):
            raise InvalidRecordError(field=field, value=value, reason="must be an integer")
        counter(instance, attribute, value)

    return check


def _cpu_time(_instance: object, _attribute: object, value: str) -> None:
    if CPU_TIME.fullmatch(value) is None and SHORT_CPU_TIME.fullmatch(value) is None:
        raise InvalidRecordError(
            field="cpu time",
            value=value,
            reason="expected something like '00:01:11' (procps), '0:00.02' (FreeBSD) or "
            "'0:00' (BusyBox)",
        )


@attrs.frozen
class ProcessRecord:
    """One line of ``ps``: procps ``ps -ef``, FreeBSD's or BusyBox's ``ps``.

    Columns a format does not print are None: FreeBSD's ``ps`` has no user, parent or
    start time, BusyBox's no parent, start time or terminal; only FreeBSD's prints the
    state.

    Attributes:
        user: ``UID``/``USER`` column (a user name, or a number when the name is too long).
        pid: Process id.
        ppid: Parent process id.
        start: ``STIME`` column as printed (``21:20``, ``Jul11`` or a year).
        tty: ``TTY``/``TT`` column (``?`` or ``-`` for none).
        time: ``TIME`` column, cumulative CPU time: ``[DD-]HH:MM:SS`` (procps), ``M:SS.hh``
            (FreeBSD) or ``M:SS`` (BusyBox).
        command: ``CMD``/``COMMAND`` column; a kernel thread shows as ``[name]``.
        cpu: ``C`` column, processor utilization (procps only).
        state: ``STAT`` column (FreeBSD only: ``Ss``, ``I``, ``R+``...).
        kernel_thread: Whether the command is a kernel thread such as ``[hv_vmbus_con]``.
        daemon: The Hyper-V daemon binary name (``hv_kvp_daemon``, ``hypervkvpd``...) when
            the command runs one, else None.
        service: The integration service that daemon serves, else None.
    """

    user: str | None = attrs.field(
        validator=_optional(_word("user")),
    )
    pid: int = attrs.field(validator=[attrs.validators.instance_of(int), _counter("pid", MAX_PID)])
    ppid: int | None = attrs.field(validator=_optional_counter("ppid", MAX_PID))
    start: str | None = attrs.field(validator=_optional(_word("start time")))
    tty: str | None = attrs.field(validator=_optional(_word("tty")))
    time: str = attrs.field(validator=[attrs.validators.instance_of(str), _cpu_time])
    command: str = attrs.field(
        validator=[attrs.validators.instance_of(str), _line("command", trimmed=True)]
    )
    cpu: int | None = attrs.field(default=0, validator=_optional_counter("cpu", MAX_PID))
    state: str | None = attrs.field(default=None, validator=_optional(_word("state")))
    kernel_thread: bool = attrs.field(
        init=False, default=attrs.Factory(_is_kernel_thread, takes_self=True)
    )
    daemon: str | None = attrs.field(init=False, default=attrs.Factory(_daemon_of, takes_self=True))
    service: IntegrationService | None = attrs.field(
        init=False, default=attrs.Factory(_service_of, takes_self=True)
    )

    @classmethod
    def _unchecked(  # noqa: PLR0917 - private; positional, as it runs per line
        cls,
        user: str | None,
        pid: int,
        ppid: int | None,
        start: str | None,
        tty: str | None,
        time: str,
        command: str,
        cpu: int | None,
        state: str | None,
    ) -> ProcessRecord:
        # For the ps parser only: every column it passes is a whitespace-free token of a line
        # without control characters, each number checked against its maximum and the time
        # against its pattern, the command the rest of the right-trimmed line; so are the
        # validators' rules. Skipping them halves the cost of reading a guest's process list.
        kernel_thread = command.startswith("[") and command.endswith("]")
        daemon = None if kernel_thread else _daemon_program(command)
        service = None if daemon is None else _DAEMONS[daemon]
        return _FILL_PROCESS_RECORD(
            user, pid, ppid, start, tty, time, command, cpu, state, kernel_thread, daemon, service
        )

    @property
    def cpu_time(self) -> datetime.timedelta:
        """The ``TIME`` column as a duration."""
        match = CPU_TIME.fullmatch(self.time)
        if match is not None:
            return datetime.timedelta(
                days=int(match["days"] or 0),
                hours=int(match["h"]),
                minutes=int(match["m"]),
                seconds=int(match["s"]),
            )
        short = SHORT_CPU_TIME.fullmatch(self.time)
        if short is None:  # pragma: no cover - the validator guarantees the shape
            raise InvalidRecordError(field="cpu time", value=self.time, reason="unreadable")
        return datetime.timedelta(
            minutes=int(short["m"]),
            seconds=int(short["s"]),
            milliseconds=10 * int(short["hundredths"] or 0),
        )

    def __repr__(self) -> str:
        return f"<ProcessRecord {self.pid}: {cut(self.command, 50)}>"


_FILL_PROCESS_RECORD: Final = filler(
    ProcessRecord,
    "user",
    "pid",
    "ppid",
    "start",
    "tty",
    "time",
    "command",
    "cpu",
    "state",
    "kernel_thread",
    "daemon",
    "service",
)


# --- Available commands ---------------------------------------------------------------------


def _command_names(_instance: CommandList, _attribute: object, value: tuple[str, ...]) -> None:
    for name in value:
        if not isinstance(name, str):
            raise InvalidRecordError(field="command name", value=name, reason="expected a string")
        if not name or name.strip() != name or CONTROL.search(name):
            raise InvalidRecordError(
                field="command name",
                value=name,
                reason="must be non-empty, without control characters or outer spaces",
            )


@attrs.frozen
class CommandList:
    """Command names, as ``compgen -c`` prints them (duplicates and order kept).

    Attributes:
        names: The names, in output order.
    """

    names: tuple[str, ...] = attrs.field(
        default=(),
        validator=[attrs.validators.instance_of(tuple), _command_names],
    )

    @classmethod
    def _unchecked(cls, names: tuple[str, ...]) -> CommandList:
        # For the compgen parser only: names of text str.isprintable accepts (so without a
        # control character or tab), each stripped and non-empty, as the validator requires.
        return _FILL_COMMAND_LIST(names)

    @property
    def daemons(self) -> tuple[str, ...]:
        """The Hyper-V daemon binaries among the names, first occurrence order."""
        return tuple(dict.fromkeys(name for name in self.names if name in _DAEMONS))

    @property
    def services(self) -> frozenset[IntegrationService]:
        """The integration services whose daemon is available."""
        return frozenset(_DAEMONS[name] for name in self.daemons)

    def __repr__(self) -> str:
        return f"<CommandList {counted(len(self.names), 'command')}>"


_FILL_COMMAND_LIST: Final = filler(CommandList, "names")


# --- systemd units --------------------------------------------------------------------------


class _SystemdNamed(NamedEnum):
    @property
    def systemd_name(self) -> str:
        """The spelling systemctl uses (``not-found``, ``enabled-runtime``)."""
        return str(self.value).replace("_", "-")

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


class UnitLoadState(_SystemdNamed):
    """``LoadState`` of a unit: whether systemd found and read its configuration."""

    STUB = "stub"
    LOADED = "loaded"
    NOT_FOUND = "not_found"
    BAD_SETTING = "bad_setting"
    ERROR = "error"
    MERGED = "merged"
    MASKED = "masked"


class UnitActiveState(_SystemdNamed):
    """``ActiveState`` of a unit, also what ``systemctl is-active`` prints."""

    ACTIVE = "active"
    RELOADING = "reloading"
    INACTIVE = "inactive"
    FAILED = "failed"
    ACTIVATING = "activating"
    DEACTIVATING = "deactivating"
    MAINTENANCE = "maintenance"
    REFRESHING = "refreshing"
    UNKNOWN = "unknown"
    """Printed by ``systemctl is-active`` (older systemd) for a unit it cannot resolve."""

    @property
    def is_active(self) -> bool:
        """Whether ``systemctl is-active`` exits with success for this state."""
        return self in {
            UnitActiveState.ACTIVE,
            UnitActiveState.RELOADING,
            UnitActiveState.REFRESHING,
        }


class UnitFileState(_SystemdNamed):
    """``UnitFileState``: whether the unit file is enabled, and how."""

    ENABLED = "enabled"
    ENABLED_RUNTIME = "enabled_runtime"
    LINKED = "linked"
    LINKED_RUNTIME = "linked_runtime"
    ALIAS = "alias"
    MASKED = "masked"
    MASKED_RUNTIME = "masked_runtime"
    STATIC = "static"
    DISABLED = "disabled"
    INVALID = "invalid"
    INDIRECT = "indirect"
    GENERATED = "generated"
    TRANSIENT = "transient"
    BAD = "bad"


@attrs.frozen
class SystemdUnit:
    """What ``systemctl show`` tells about one unit.

    Attributes:
        name: ``Id`` (the unit's own name, even when it was asked for by an alias).
        load_state: ``LoadState``.
        active_state: ``ActiveState``.
        sub_state: ``SubState`` (its vocabulary depends on the unit type: ``running``, ``dead``...).
        unit_file_state: ``UnitFileState``; None when systemctl prints it empty.
        main_pid: ``MainPID``; None when it is 0 or absent (no main process).
        description: ``Description``.
    """

    name: str = attrs.field(
        validator=[
            attrs.validators.instance_of(str),
            _pattern("unit name", UNIT_NAME, "hv-kvp-daemon.service"),
        ]
    )
    load_state: UnitLoadState = attrs.field(validator=attrs.validators.instance_of(UnitLoadState))
    active_state: UnitActiveState = attrs.field(
        validator=attrs.validators.instance_of(UnitActiveState)
    )
    sub_state: str = attrs.field(
        validator=[
            attrs.validators.instance_of(str),
            _pattern("sub state", SUB_STATE, "running"),
        ]
    )
    unit_file_state: UnitFileState | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(UnitFileState)),
    )
    main_pid: int | None = attrs.field(
        default=None,
        validator=[
            attrs.validators.optional(attrs.validators.instance_of(int)),
            _positive_or_none("main pid"),
        ],
    )
    description: str = attrs.field(
        default="",
        validator=[attrs.validators.instance_of(str), _line("description", trimmed=False)],
    )

    @classmethod
    def _unchecked(  # noqa: PLR0917 - private; positional, as it runs per unit
        cls,
        name: str,
        load_state: UnitLoadState,
        active_state: UnitActiveState,
        sub_state: str,
        unit_file_state: UnitFileState | None,
        main_pid: int | None,
        description: str,
    ) -> SystemdUnit:
        # For the systemctl show parser only: it matches the name and the sub-state against
        # their patterns, takes the states from the enums' own tables, reads the main PID as
        # a number no larger than MAX_PID (0 made None) and refuses a control character in
        # the description, as the validators would.
        return _FILL_SYSTEMD_UNIT(
            name, load_state, active_state, sub_state, unit_file_state, main_pid, description
        )

    @property
    def service(self) -> IntegrationService | None:
        """The integration service whose daemon this unit runs, for any known distribution."""
        return unit_service(self.name)

    def __repr__(self) -> str:
        sub = cut(str(self.sub_state), 20)
        return f"<SystemdUnit {named(self.name)}: {self.active_state} ({sub})>"


_FILL_SYSTEMD_UNIT: Final = filler(
    SystemdUnit,
    "name",
    "load_state",
    "active_state",
    "sub_state",
    "unit_file_state",
    "main_pid",
    "description",
)


# --- KVP pools ------------------------------------------------------------------------------


class KvpPool(NamedEnum):
    r"""The KVP pools of a Linux guest (``enum hv_kvp_exchg_pool``), one file each.

    The guest's ``hv_kvp_daemon`` keeps pool *N* in ``/var/lib/hyperv/.kvp_pool_N``.
    Microsoft's data exchange article maps the first four to the registry keys a
    Windows guest uses under ``HKLM\SOFTWARE\Microsoft\Virtual Machine``.
    """

    EXTERNAL = 0
    """``External``: data pushed to the guest by a user on the host."""
    GUEST = 1
    """``Guest``: data created in the guest, seen by the host as non-intrinsic data."""
    AUTO = 2
    """``Auto``: data describing the guest, seen by the host as intrinsic data."""
    AUTO_EXTERNAL = 3
    r"""``Guest\Parameters``: data the host pushes to describe itself (host name...)."""
    AUTO_INTERNAL = 4
    """No registry counterpart is documented; Microsoft's article describes pools 0 to 3."""

    def __repr__(self) -> str:
        return f"KvpPool.{self.name}"

    @property
    def file_name(self) -> str:
        """``.kvp_pool_N``."""
        return f".kvp_pool_{self.value}"

    @property
    def path(self) -> str:
        """``/var/lib/hyperv/.kvp_pool_N``."""
        return f"{KVP_POOL_DIRECTORY}/{self.file_name}"

    @property
    def registry_key(self) -> str | None:
        r"""The key under ``HKLM\SOFTWARE\Microsoft\Virtual Machine`` a Windows guest uses.

        None for :attr:`AUTO_INTERNAL`, which has no documented counterpart. The data
        exchange article spells pool 3's key ``Guest\Parameter``; the key a guest
        really has is ``Guest\Parameters``.
        """
        return _POOL_KEYS[self]


_POOL_KEYS: Final = {
    KvpPool.EXTERNAL: "External",
    KvpPool.GUEST: "Guest",
    KvpPool.AUTO: "Auto",
    KvpPool.AUTO_EXTERNAL: "Guest\\Parameters",
    KvpPool.AUTO_INTERNAL: None,
}


def _kvp_text(field: str, size: int) -> _Validator[str]:
    def check(_instance: object, _attribute: object, value: str) -> None:
        if "\x00" in value:
            raise InvalidRecordError(
                field=field, value=value, reason="must not contain NUL, which ends it on disk"
            )
        try:
            encoded = value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidRecordError(
                field=field, value=value, reason="cannot be encoded as UTF-8"
            ) from None
        if len(encoded) >= size:
            raise InvalidRecordError(
                field=field,
                value=value,
                reason=f"is {len(encoded)} bytes in UTF-8; at most {size - 1} fit with the NUL",
            )

    return check


@attrs.frozen
class KvpRecord:
    """One key-value pair of a KVP pool file.

    Both are strings. On disk each is UTF-8, NUL-terminated and NUL-padded to its
    field: the key to 512 bytes, the value to 2048, so a key holds at most 511
    bytes of UTF-8 and a value at most 2047.

    Attributes:
        key: The key.
        value: The value.
    """

    key: str = attrs.field(
        validator=[attrs.validators.instance_of(str), _kvp_text("key", KVP_KEY_SIZE)]
    )
    value: str = attrs.field(
        validator=[attrs.validators.instance_of(str), _kvp_text("value", KVP_VALUE_SIZE)]
    )

    def __repr__(self) -> str:
        return f"<KvpRecord {named(self.key)} = {named(self.value)}>"
