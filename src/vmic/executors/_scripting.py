r"""Building scripts safely: quoting values for PowerShell and POSIX sh, selecting VMs exactly.

Prefer passing values as :attr:`Command.parameters <vmic.executors.Command.parameters>`;
the executors then bind them with the functions below (or, over PSRP, as real
parameters). Use the quoting functions directly only for text that must be
built by hand.

PowerShell ends a single-quoted string at any of five characters: the ASCII
apostrophe and the typographic quotes U+2018, U+2019, U+201A and U+201B. Inside
the string a doubled quote character stands for one, so :func:`ps_quote`
doubles every one of the five:

>>> print(ps_quote("it's"))
'it''s'
>>> print(ascii(ps_quote("web\u2019s $(Remove-VM)")))
"'web\u2019\u2019s $(Remove-VM)'"
>>> print(ps_array(["a", "b'c"]))
@('a', 'b''c')
>>> print(posix_quote("it's"))
'it'"'"'s'

Virtual machines are selected by exact name or by id, never with
``Get-VM -Name <value>``: that parameter expands wildcards, so a VM named
``web*`` would also match ``web01``.

>>> print(VmSelector.by_name("web*").expression)  # doctest: +ELLIPSIS
@(Hyper-V\Get-VM | Where-Object { [string]::Equals($_.Name, $VMName, ...::Ordinal) })
"""

from __future__ import annotations

import shlex
import uuid
from typing import TYPE_CHECKING, Final

import attrs

from vmic.errors import ConfigurationError
from vmic.executors._checks import check_identifier, check_text
from vmic.executors._command import Command, ParameterValue, Secret, Shell

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "PS_SINGLE_QUOTES",
    "VmSelector",
    "posix_literal",
    "posix_quote",
    "ps_array",
    "ps_literal",
    "ps_quote",
    "render_posix",
    "render_powershell",
]

PS_SINGLE_QUOTES: Final = frozenset("'\u2018\u2019\u201a\u201b")
"""Every character PowerShell's tokenizer treats as a single quote."""


def ps_quote(value: str) -> str:
    """Return *value* as a PowerShell single-quoted string literal.

    Nothing inside a single-quoted string is expanded (no ``$``, no backtick
    escapes, no subexpressions); the only special characters are the five single
    quotes, each of which is doubled.

    Raises:
        UnsafeValueError: The value holds a NUL or an unpaired surrogate.
    """
    check_text(value, what="value")
    return "'" + "".join(c + c if c in PS_SINGLE_QUOTES else c for c in value) + "'"


def ps_array(values: Iterable[str]) -> str:
    """Return the strings as a PowerShell array expression of single-quoted literals.

    >>> ps_array([])
    '@()'

    Raises:
        UnsafeValueError: A value holds a NUL or an unpaired surrogate.
    """
    return "@(" + ", ".join(ps_quote(v) for v in values) + ")"


def ps_literal(value: ParameterValue) -> str:
    """Return a PowerShell expression whose value is *value*.

    Strings become single-quoted literals, lists become arrays of them, booleans
    ``$true``/``$false``, integers decimal literals, floats a culture-invariant
    ``[double]`` conversion, and a :class:`~vmic.executors.Secret` a
    ``[securestring]`` built from its (quoted) plain text.

    >>> ps_literal(True), ps_literal(-3), ps_literal(0.5), ps_literal(("x",))
    ('$true', '-3', "[double]'0.5'", "@('x')")
    """
    if isinstance(value, Secret):
        return f"(ConvertTo-SecureString -String {ps_quote(value.reveal())} -AsPlainText -Force)"
    if isinstance(value, str):
        return ps_quote(value)
    if isinstance(value, bool):
        return "$true" if value else "$false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"[double]'{value!r}'"
    return ps_array(value)


def posix_quote(value: str) -> str:
    """Return *value* quoted for a POSIX shell (:func:`shlex.quote` after a NUL check).

    Raises:
        UnsafeValueError: The value holds a NUL or an unpaired surrogate.
    """
    return shlex.quote(check_text(value, what="value"))


def posix_literal(value: ParameterValue) -> str:
    """Return a POSIX shell word whose value is *value*.

    Booleans become ``true``/``false``; a list becomes one string of quoted
    words, which a script expands with ``eval "set -- $Name"``.

    >>> print(posix_literal(("a b", "c")))
    ''"'"'a b'"'"' c'
    """
    if isinstance(value, Secret):
        return posix_quote(value.reveal())
    if isinstance(value, str):
        return posix_quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return posix_quote(" ".join(posix_quote(v) for v in value))


def render_powershell(command: Command) -> str:
    """Return the text a text transport sends for a PowerShell command.

    Each parameter becomes an assignment of a literal (:func:`ps_literal`) on
    its own line, followed by the script.

    >>> print(render_powershell(Command(Shell.POWERSHELL, "Get-VM", parameters={"N": "a'b"})))
    $N = 'a''b'
    Get-VM

    Raises:
        vmic.ConfigurationError: The command is not a PowerShell command.
    """
    if command.shell is not Shell.POWERSHELL:
        raise ConfigurationError(f"render_powershell got a {command.shell.value} command")
    lines = [f"${name} = {ps_literal(value)}" for name, value in command.parameters.items()]
    lines.append(command.script)
    return "\n".join(lines)


def render_posix(command: Command) -> str:
    """Return the text sent to ``sh`` for a POSIX command: quoted assignments, then the script.

    >>> print(render_posix(Command(Shell.POSIX, 'echo "$Nv"', parameters={"Nv": "a'b"})))
    Nv='a'"'"'b'
    echo "$Nv"

    Raises:
        vmic.ConfigurationError: The command is not a POSIX command.
    """
    if command.shell is not Shell.POSIX:
        raise ConfigurationError(f"render_posix got a {command.shell.value} command")
    lines = [f"{name}={posix_literal(value)}" for name, value in command.parameters.items()]
    lines.append(command.script)
    return "\n".join(lines)


@attrs.frozen
class VmSelector:
    """Selects Hyper-V virtual machines by exact name or by id, as data.

    The name is compared with ``[string]::Equals(..., Ordinal)``: ``-eq`` would
    ignore case and ``-ceq`` still compares by culture, under which some
    distinct strings (a name with a zero-width character, or composed and
    decomposed accents) compare equal. Hyper-V allows two VMs with the same
    name, so :meth:`statement` insists on exactly one match.

    Attributes:
        name: The exact VM name, or ``None`` when selecting by id.
        id: The VM id, or ``None`` when selecting by name.
        parameter: Name of the command parameter that carries the name or id
            (default ``VMName`` or ``VMId``); an identifier, since the scripts
            read it as ``$<parameter>``.
    """

    name: str | None = None
    id: uuid.UUID | None = None
    parameter: str = attrs.field(
        default=attrs.Factory(
            lambda self: "VMId" if self.id is not None else "VMName", takes_self=True
        ),
        kw_only=True,
    )

    def __attrs_post_init__(self) -> None:
        if (self.name is None) == (self.id is None):
            msg = "a VmSelector needs exactly one of a name or an id"
            raise ConfigurationError(msg)
        # The parameter's name is written into the script as `$<parameter>`.
        check_identifier(self.parameter, what="parameter name")
        if self.id is not None and not isinstance(self.id, uuid.UUID):
            raise ConfigurationError(f"a VM id must be a uuid.UUID, not {self.id!r}")
        if self.name is not None:
            if not isinstance(self.name, str):
                raise ConfigurationError(f"a VM name must be a string, not {self.name!r}")
            check_text(self.name, what="VM name")
            if not self.name:
                msg = "a VM name cannot be empty"
                raise ConfigurationError(msg)

    @classmethod
    def by_name(cls, name: str, *, parameter: str = "VMName") -> VmSelector:
        """Select the VM whose name is exactly *name* (case and every character)."""
        return cls(name=name, parameter=parameter)

    @classmethod
    def by_id(cls, vm_id: uuid.UUID | str, *, parameter: str = "VMId") -> VmSelector:
        """Select the VM with this id.

        Raises:
            vmic.ConfigurationError: *vm_id* is not a GUID.
        """
        if not isinstance(vm_id, uuid.UUID):
            try:
                vm_id = uuid.UUID(vm_id)
            except (ValueError, TypeError, AttributeError):
                raise ConfigurationError(f"{vm_id!r} is not a VM id (a GUID)") from None
        return cls(id=vm_id, parameter=parameter)

    @property
    def parameters(self) -> dict[str, ParameterValue]:
        """The parameters :attr:`expression` reads; merge them into the command's."""
        value = self.name if self.name is not None else str(self.id)
        return {self.parameter: value}

    def pipeline(self, *, literal: bool = False) -> str:
        r"""The start of a PowerShell pipeline that yields the matching VMs.

        This is the one place the exact-VM selection is written; :attr:`expression`,
        the client scripts and the fix commands the diagnosis prints are built from it.

        Args:
            literal: Write the name or id into the text as a quoted literal
                (:func:`ps_quote`) instead of reading ``$<parameter>``: for commands
                shown to a person, who runs them without vmic's parameters.

        >>> print(VmSelector.by_name("it's").pipeline(literal=True))  # doctest: +ELLIPSIS
        Hyper-V\Get-VM | Where-Object { ...($_.Name, 'it''s', ...::Ordinal) }
        >>> print(VmSelector.by_id("7cca7664-91d0-40a9-9769-7809f256f603").pipeline(literal=True))
        Hyper-V\Get-VM -Id '7CCA7664-91D0-40A9-9769-7809F256F603'
        """
        if self.id is not None:
            # Hyper-V prints VM ids in upper case; Get-VM -Id accepts either.
            operand = ps_quote(str(self.id).upper()) if literal else f"${self.parameter}"
            return f"Hyper-V\\Get-VM -Id {operand}"
        assert self.name is not None  # noqa: S101 - one of name and id is set (checked above)
        operand = ps_quote(self.name) if literal else f"${self.parameter}"
        return f"Hyper-V\\Get-VM | Where-Object {{ {self._test(operand)} }}"

    def _test(self, operand: str) -> str:
        """The comparison of ``$_`` (a VM) with *operand* (a PowerShell expression)."""
        if self.id is not None:
            # A GUID's text: Get-VM's Id prints in lower case, vmic writes upper case.
            return (
                f"[string]::Equals($_.Id.ToString(), {operand}, "
                "[System.StringComparison]::OrdinalIgnoreCase)"
            )
        return f"[string]::Equals($_.Name, {operand}, [System.StringComparison]::Ordinal)"

    @property
    def test(self) -> str:
        r"""A ``Where-Object`` test of ``$_``: whether that VM is the one selected.

        For scripts that read the VMs once and pick many from them: it reads the name or
        id from ``$<parameter>``, compared as :meth:`pipeline` does by name (ordinal) or
        as a GUID's text (case ignored).

        >>> print(VmSelector.by_name("-", parameter="vmicKey").test)
        [string]::Equals($_.Name, $vmicKey, [System.StringComparison]::Ordinal)
        """
        return self._test(f"${self.parameter}")

    @property
    def expression(self) -> str:
        """A PowerShell expression that yields an array of the matching VMs (0, 1 or more)."""
        if self.id is not None:
            return f"@({self.pipeline()} -ErrorAction SilentlyContinue)"
        return f"@({self.pipeline()})"

    def statement(self, variable: str = "VM") -> str:
        r"""PowerShell statements that set ``$<variable>`` to the one matching VM or throw.

        >>> print(VmSelector.by_id("7cca7664-91d0-40a9-9769-7809f256f603").statement())
        $VM = @(Hyper-V\Get-VM -Id $VMId -ErrorAction SilentlyContinue)
        if ($VM.Count -ne 1) { throw ('expected one VM, found {0}' -f $VM.Count) }
        $VM = $VM[0]

        Raises:
            vmic.ConfigurationError: *variable* is not an identifier.
        """
        check_identifier(variable, what="variable name")
        return (
            f"${variable} = {self.expression}\n"
            f"if (${variable}.Count -ne 1) {{ throw ('expected one VM, found {{0}}' -f "
            f"${variable}.Count) }}\n"
            f"${variable} = ${variable}[0]"
        )

    def command(self, script: str, *, timeout: float | None = None) -> Command:
        """Return a PowerShell command running :meth:`statement` then *script* with ``$VM`` set.

        >>> cmd = VmSelector.by_name("web*").command("$VM.State")
        >>> dict(cmd.parameters)
        {'VMName': 'web*'}
        """
        return Command(
            Shell.POWERSHELL,
            self.statement() + "\n" + script,
            parameters=self.parameters,
            timeout=timeout,
        )
