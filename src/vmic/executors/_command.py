"""What an executor runs: a script in a shell, with named values bound as data.

A :class:`Command` never carries data spliced into its script text. Values go
in :attr:`Command.parameters` and the transport binds them:

* PowerShell over PSRP: real pipeline parameters (``param(...)`` block plus
  ``add_parameters``); the value never becomes script text.
* PowerShell over a text transport (local ``pwsh``, SSH, PowerShell Direct):
  a preamble ``$Name = '<literal>'`` of single-quoted literals escaped by
  :func:`vmic.executors.ps_quote`.
* POSIX ``sh``: a preamble ``Name='<literal>'`` of literals quoted with
  :func:`shlex.quote`; read them as ``"$Name"`` (always inside double quotes).

A :class:`Secret` parameter is a password that must never be printed; inside a
PowerShell script it arrives as a ``[securestring]``.

>>> cmd = Command(Shell.POSIX, 'printf "%s" "$Who"', parameters={"Who": "world"})
>>> cmd.parameters["Who"]
'world'
>>> Credential("admin", "hunter2")
Credential(username='admin', password=Secret('***'))
"""

from __future__ import annotations

import math
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, NoReturn, SupportsIndex, TypeAlias

import attrs

from vmic.errors import CommandTimeoutError, ConfigurationError, UnsafeValueError
from vmic.executors._checks import check_identifier, check_text
from vmic.model._named import NamedEnum
from vmic.model._slots import filler

__all__ = ["Command", "Credential", "ParameterValue", "Secret", "Shell"]


class Shell(NamedEnum):
    """The language a :class:`Command` script is written in."""

    POWERSHELL = "powershell"
    POSIX = "posix"


class Secret:
    """A string that is never shown: ``repr``, ``str`` and ``format`` print ``***``.

    Call :meth:`reveal` at the one place the plain text is needed. A secret is not an
    attrs class, so ``attrs.asdict`` of a model holding one keeps the :class:`Secret`
    (it does not unpack its text); it refuses :mod:`pickle`, and ``copy`` returns the
    same object.

    Args:
        value: The plain text.
        mask: Whether executors blank this value in the results of the commands that
            carry it (see :func:`vmic.executors._output.redact`). PowerShell Direct
            turns it off for the guest password it passes to the host, whose results
            hold the guest's data, which must reach the parsers unchanged.

    >>> s = Secret("hunter2")
    >>> s, str(s), f"{s}"
    (Secret('***'), '***', '***')
    >>> s.reveal()
    'hunter2'
    """

    __slots__ = ("_mask", "_value")

    def __init__(self, value: str, *, mask: bool = True) -> None:
        checked: object = value
        if not isinstance(checked, str):
            msg = f"a Secret holds text, not {type(checked).__name__}"
            raise TypeError(msg)
        self._value = value
        self._mask = mask

    @property
    def mask(self) -> bool:
        """Whether executors blank this value in command results."""
        return self._mask

    def reveal(self) -> str:
        """Return the plain text."""
        return self._value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return self._value == other._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce_ex__(self, protocol: SupportsIndex) -> NoReturn:
        msg = "a Secret cannot be pickled: its text would be stored in plain"
        raise TypeError(msg)

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: object) -> Secret:
        return self

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __format__(self, format_spec: str) -> str:
        return format("***", format_spec)


def _as_secret(value: str | Secret) -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


@attrs.frozen(repr=False)
class Credential:
    """A user name and a password; the password never appears in ``repr`` or ``str``.

    Attributes:
        username: The account, e.g. ``"admin@contoso.com"`` or ``"root"``.
        password: The password (a plain ``str`` is wrapped in :class:`Secret`).
    """

    username: str = attrs.field(validator=attrs.validators.instance_of(str))
    password: Secret = attrs.field(converter=_as_secret)

    def __repr__(self) -> str:
        return f"Credential(username={self.username!r}, password=Secret('***'))"

    def __str__(self) -> str:
        return self.username


ParameterValue: TypeAlias = "str | bool | int | float | Secret | tuple[str, ...]"
"""A value a :class:`Command` binds by name (lists of strings are stored as tuples)."""

_INT64: Final = range(-(2**63), 2**63)
# PowerShell automatic variables: assigning them fails or changes the engine's behaviour.
_PS_AUTOMATIC: Final = frozenset(
    {
        "_", "args", "consolefilename", "enabledexperimentalfeatures", "error", "event",
        "eventargs", "eventsubscriber", "executioncontext", "false", "foreach", "home", "host",
        "input", "iscoreclr", "islinux", "ismacos", "iswindows", "lastexitcode", "matches",
        "myinvocation", "nestedpromptlevel", "null", "ofs", "pid", "profile", "psboundparameters",
        "pscmdlet", "pscommandpath", "psculture", "psdebugcontext", "psedition", "pshome",
        "psitem", "psscriptroot", "pssenderinfo", "psuiculture", "psversiontable", "pwd",
        "sender", "shellid", "stacktrace", "switch", "this", "true",
    }
)  # fmt: skip
# PowerShell preference variables (about_Preference_Variables): assigning one, even as a
# script parameter, changes how every command after it behaves (-WhatIf, -Confirm, error
# handling, output). PowerShell names its own variables "<X>Preference" or "PS<X>", so
# those two forms are refused as a whole, whatever PowerShell version adds next.
_PS_PREFERENCE: Final = frozenset(
    {
        "errorview", "formatenumerationlimit", "logcommandhealthevent",
        "logcommandlifecycleevent", "logenginehealthevent", "logenginelifecycleevent",
        "logproviderhealthevent", "logproviderlifecycleevent", "maximumhistorycount",
        "outputencoding", "transcript",
    }
)  # fmt: skip
_PS_RESERVED_SUFFIX: Final = "preference"
_PS_RESERVED_PREFIX: Final = "ps"


def _powershell_reserved(name: str) -> str | None:
    """Why *name* cannot be a PowerShell parameter, or None if it can."""
    folded = name.lower()
    if folded in _PS_AUTOMATIC:
        return "is a PowerShell automatic variable"
    if folded in _PS_PREFERENCE or folded.endswith(_PS_RESERVED_SUFFIX):
        return "is a PowerShell preference variable (it changes how commands behave)"
    if folded.startswith(_PS_RESERVED_PREFIX):
        return "starts with 'PS', which PowerShell reserves for its own variables"
    return None


def _posix_reserved(name: str) -> str | None:
    """Why *name* cannot be a POSIX sh parameter, or None if it can.

    POSIX (XBD 8.1, Environment Variables) gives names made of upper-case letters, digits
    and underscores to the system: the shell (IFS, PATH, ENV, PS4, and bash's SHELLOPTS,
    BASHOPTS, BASH_ENV, POSIXLY_CORRECT, TMOUT), the dynamic loader (LD_PRELOAD, LD_*) and
    every utility read them, and assigning one changes their behaviour (an inherited,
    exported variable passes the new value on to every command the script runs). Names
    with a lower-case letter are reserved for applications, so parameters must have one.
    """
    if not any(c.islower() for c in name):
        return (
            "has no lower-case letter: POSIX reserves such names for the shell, the loader "
            "and the utilities (IFS, PATH, LD_PRELOAD...); use a name like 'Value'"
        )
    return None


def _plain(text: str) -> bool:
    """Whether *text* passes :func:`check_text` for sure: ASCII, no NUL (no message needed)."""
    # isascii() reads a flag the string keeps; a guest script passed as a value is long.
    return text.isascii() and "\x00" not in text


def _check_value(name: str, value: object) -> ParameterValue:
    # Text is the usual value: its message is written only when check_text refuses it.
    if isinstance(value, Secret):
        if not _plain(value.reveal()):
            check_text(value.reveal(), what=f"parameter {name!r}")
        return value
    if isinstance(value, str):
        return value if _plain(value) else check_text(value, what=f"parameter {name!r}")
    what = f"parameter {name!r}"
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value not in _INT64:
            raise UnsafeValueError(f"{what} is outside the 64-bit integer range")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UnsafeValueError(f"{what} is not a finite number")
        return value
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        items: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise UnsafeValueError(
                    f"{what} item {index} is a {type(item).__name__}; list items must be str"
                )
            items.append(check_text(item, what=f"{what} item {index}"))
        return tuple(items)
    raise UnsafeValueError(
        f"{what} is a {type(value).__name__}; use str, bool, int, float, Secret or a list of str"
    )


def _freeze_parameters(
    parameters: Mapping[str, ParameterValue | Sequence[str]],
) -> Mapping[str, ParameterValue]:
    if not isinstance(parameters, Mapping):
        raise ConfigurationError(
            f"parameters must be a mapping of names to values, not {type(parameters).__name__}"
        )
    frozen: dict[str, ParameterValue] = {}
    for key, value in parameters.items():
        name = check_identifier(key, what="parameter name")
        frozen[name] = _check_value(name, value)
    return types.MappingProxyType(frozen)


def _check_timeout(_instance: object, _attribute: object, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"timeout must be a number of seconds or None, not {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ConfigurationError(f"timeout must be a positive number of seconds, not {value!r}")


def _check_script(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str):
        raise ConfigurationError(f"script must be a str, not {type(value).__name__}")
    check_text(value, what="script")


def _check_names(shell: Shell, names: Iterable[str]) -> None:
    """Refuse names the shell reserves, and PowerShell names that differ only by case."""
    seen: dict[str, str] = {}
    powershell = shell is Shell.POWERSHELL
    for name in names:
        why = _powershell_reserved(name) if powershell else _posix_reserved(name)
        if why is not None:
            raise ConfigurationError(f"parameter name {name!r} {why}")
        folded = name.lower()
        if powershell and folded in seen:
            raise ConfigurationError(
                f"parameter names {seen[folded]!r} and {name!r} are the same "
                "PowerShell variable (names are case-insensitive)"
            )
        seen[folded] = name


# Scripts (text, shell, parameter names) a command has been built of: vmic's own script
# files, a handful. Bounded all the same, since a Script can be made by hand.
_CHECKED_SCRIPTS: set[tuple[Shell, str, tuple[str, ...]]] = set()
_CHECKED_LIMIT: Final = 256


def _to_shell(value: Shell | str) -> Shell:
    if isinstance(value, Shell):
        return value
    try:
        return Shell(value)
    except ValueError:
        known = ", ".join(repr(s.value) for s in Shell)
        raise ConfigurationError(f"unknown shell {value!r}; expected one of {known}") from None


@attrs.frozen
class Command:
    """A script, the shell that runs it, its timeout and the values it uses.

    Attributes:
        shell: :attr:`Shell.POWERSHELL` or :attr:`Shell.POSIX`.
        script: The script text. It refers to parameters by name (``$Name`` in
            PowerShell, ``"$Name"`` in POSIX sh) and must not splice values in
            itself. A PowerShell script must not start with its own ``param()``
            block: the PSRP transport adds one.
        parameters: Named values (see :data:`ParameterValue`). Names are
            identifiers that cannot change how the shell behaves: PowerShell
            names are case-insensitive so they must differ by more than case,
            and PowerShell's automatic and preference variables (``$args``,
            ``$WhatIfPreference``, any ``*Preference`` or ``PS*`` name) are
            refused; POSIX names need a lower-case letter, because names
            without one (``IFS``, ``PATH``, ``LD_PRELOAD``, ``SHELLOPTS``...)
            belong to the shell, the loader and the utilities.
        timeout: Seconds the command may run before the executor stops it, or
            ``None`` for no limit.

    Raises:
        vmic.ConfigurationError: A name, the shell or the timeout is invalid.
        UnsafeValueError: A value cannot reach a shell intact (NUL, lone surrogate,
            a non-finite float, an integer beyond 64 bits, an unsupported type).
    """

    shell: Shell = attrs.field(converter=_to_shell)
    script: str = attrs.field(validator=_check_script)
    parameters: Mapping[str, ParameterValue] = attrs.field(
        factory=dict, converter=_freeze_parameters, kw_only=True, hash=False
    )
    timeout: float | None = attrs.field(default=None, kw_only=True, validator=_check_timeout)

    def __attrs_post_init__(self) -> None:
        _check_names(self.shell, self.parameters)

    @classmethod
    def _of_script(
        cls,
        shell: Shell,
        script: str,
        parameters: Mapping[str, ParameterValue | Sequence[str]],
        timeout: float | None,
    ) -> Command:
        """The command of a script file (:meth:`vmic.executors.Script.command`), checked.

        What depends on the script alone (its text, its parameters' names) is checked by
        the first command built of it, through ``__init__``; after that, each command
        checks its values and its timeout as ``__init__`` does, in the same order. That
        is where building the fan-out's command spent its time (its parameters carry the
        guests' script).
        """
        key = (shell, script, tuple(parameters))
        if key not in _CHECKED_SCRIPTS:
            command = cls(shell, script, parameters=parameters, timeout=timeout)
            if len(_CHECKED_SCRIPTS) >= _CHECKED_LIMIT:
                _CHECKED_SCRIPTS.clear()
            _CHECKED_SCRIPTS.add(key)
            return command
        frozen: dict[str, ParameterValue] = {}
        for name, value in parameters.items():
            frozen[name] = _check_value(name, value)
        _check_timeout(None, None, timeout)
        return _FILL_COMMAND(shell, script, types.MappingProxyType(frozen), timeout)

    @property
    def secrets(self) -> tuple[Secret, ...]:
        """The :class:`Secret` values among the parameters."""
        return tuple(v for v in self.parameters.values() if isinstance(v, Secret))

    def summary(self, *, width: int = 72) -> str:
        r"""One line naming the shell and the script's first line, for messages and logs.

        It shows the script text only (never parameter values) and cuts it to *width*.

        >>> Command(Shell.POSIX, "uname -a\nexit 0").summary()
        "posix: 'uname -a' (+1 more line)"
        """
        lines = self.script.strip().splitlines() or [""]
        first = lines[0].strip()
        if len(first) > width:
            first = first[: width - 3] + "..."
        more = len(lines) - 1
        suffix = "" if more == 0 else f" (+{more} more line{'s' if more > 1 else ''})"
        return f"{self.shell.value}: {first!r}{suffix}"

    def stopped(
        self, *, stdout: str = "", stderr: str = "", how: str = "stopped"
    ) -> CommandTimeoutError:
        """The error of this command stopped at its timeout (0 s when it has none).

        *stdout* and *stderr* are what it printed before (secrets already redacted);
        *how* says how it ended (``"stopped (simulated)"`` for a simulated fault).
        """
        timeout = self.timeout if self.timeout is not None else 0.0
        return CommandTimeoutError(
            f"command timed out after {timeout}s and was {how}: {self.summary()}",
            command=self,
            timeout=timeout,
            stdout=stdout,
            stderr=stderr,
            duration=timeout,
        )


_FILL_COMMAND: Final = filler(Command, "shell", "script", "parameters", "timeout")
