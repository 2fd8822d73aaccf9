"""The static check of PowerShell scripts against the documented contracts.

Read with the tree-sitter PowerShell grammar (the reader the suite already uses, independent
of the lab's own), every script is checked by these rules:

- ``parse``: the grammar reads it without error (a piece of PowerShell 7 syntax the grammar
  does not know is named by the ``syntax-5.1`` rule instead);
- ``parameter-set``: each cmdlet call's parameters exist and, with its positional arguments
  and pipeline input, fit one documented parameter set (every edition of the Hyper-V
  module, Windows PowerShell 5.1 for the rest);
- ``cmdlet``: no cmdlet that only PowerShell 7 has (``Get-Error``, ``Join-String``...);
- ``syntax-5.1``: no ``&&``/``||``, ``??``, ``??=``, ``?.``, ternaries, background ``&``,
  nor PowerShell 7's automatic variables (``$IsWindows``...), outside strings and comments;
- ``json-array``: no ``@(... | ConvertFrom-Json)``: Windows PowerShell 5.1 gives such a
  pipeline the whole JSON array as one object (PowerShell issue #3424);
- ``wmi``: every WMI class named exists, every ``Class.Member`` of the script's contract
  exists, ``Invoke-CimMethod -Arguments`` keys are parameters of a method of those classes,
  ``New-CimInstance -Property`` keys are properties of its class;
- ``powershell-2.0`` (Windows guest scripts): the whole script parses on Windows PowerShell
  2.0 (no ``-in``, ``-notin``, ``-shl``, ``-shr``, classes), and a script that needs 3.0
  checks the version before its first cmdlet; a script that runs on 2.0 calls no cmdlet or
  parameter introduced later and uses no 3.0 type accelerator;
- ``contract`` (shipped scripts): the cmdlets its comment block names are those it calls,
  and its stated PowerShell is not older than what it uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import tree_sitter_powershell
from packaging.version import Version
from tree_sitter import Language, Node, Parser

from vmic.testing._powershell import Argument, Call, Element
from vmic.testing._reference import check_call, reference

if TYPE_CHECKING:
    from vmic.executors import ScriptContract

__all__ = ["RULES", "Violation", "calls", "check"]

RULES: Final = (
    "parse",
    "parameter-set",
    "cmdlet",
    "syntax-5.1",
    "json-array",
    "wmi",
    "powershell-2.0",
    "contract",
)
_PARSER: Final = Parser(Language(tree_sitter_powershell.language()))
# PowerShell 7's automatic variables that a 5.1 script reads as $null, silently.
_SEVEN_VARIABLES: Final = frozenset({"$iswindows", "$islinux", "$ismacos", "$iscoreclr"})
_THREE_OPERATORS: Final = frozenset({"-in", "-notin", "-shl", "-shr"})
_THREE_TYPES: Final = frozenset({"ordered", "pscustomobject"})
_WMI_CLASS: Final = re.compile(r"(?:Msvm|Win32|CIM)_[A-Za-z0-9_]+")
_GUARD: Final = "$PSVersionTable.PSVersion.Major -lt 3"
_FIVE_ONE: Final = Version("5.1")
_TWO: Final = Version("2.0")
_THREE: Final = Version("3.0")
_FIVE: Final = Version("5.0")


@dataclass(frozen=True)
class Violation:
    """One broken rule."""

    rule: str
    line: int
    message: str


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8")


def _walk(node: Node) -> list[Node]:
    found = [node]
    for child in node.children:
        found.extend(_walk(child))
    return found


def _continues_list(node: Node) -> bool:
    """Whether *node* is the rest of a bare comma list the grammar split (``,VSS``)."""
    before = node.prev_sibling
    return (
        node.type == "generic_token"
        and _text(node).startswith(",")
        and before is not None
        and before.type == "command_argument_sep"
        and _text(before) == ""
    )


def _list_gap(node: Node) -> bool:
    """Whether *node* is the separator the grammar misses inside a bare comma list."""
    parent = node.parent
    return (
        parent is not None
        and parent.type == "command_argument_sep"
        and parent.next_sibling is not None
        and _continues_list(parent.next_sibling)
    )


def _literal(node: Node) -> tuple[str, ...] | None:
    """The literal values of an argument node (a string, a bare word, a comma list)."""
    text = _text(node).strip()
    if node.type == "generic_token":
        return tuple(part for part in text.split(",") if part)
    parts = [part.strip() for part in text.split(",")]
    values = []
    for part in parts:
        if re.fullmatch(r"'(?:[^']|'')*'", part):
            values.append(part[1:-1].replace("''", "'"))
        elif re.fullmatch(r'"[^"`$]*"', part):
            values.append(part[1:-1])
        elif re.fullmatch(r"[\w.*/:\\-]+", part) and not part.startswith(("$", "-")):
            values.append(part)
        else:
            return None
    return tuple(values)


def _call(node: Node) -> Call:
    """A tree-sitter ``command`` node as the lab's :class:`Call`."""
    native = any(child.type == "command_invokation_operator" for child in node.children)
    name_node = next(c for c in node.children if c.type in {"command_name", "command_name_expr"})
    name = _text(name_node).strip()
    elements: list[Element] = []
    body = next((c for c in node.children if c.type == "command_elements"), None)
    children = [] if body is None else list(body.children)
    index = 0
    while index < len(children):
        child = children[index]
        index += 1
        if child.type == "command_parameter":
            parameter = _text(child)[1:].rstrip(":")
            argument = None
            if index < len(children) and _text(children[index]) == ":":
                value = children[index + 1]
                argument = Argument(_text(value), _literal(value))
                index += 2
            elif _text(child).endswith(":") and index < len(children):
                value = children[index]
                argument = Argument(_text(value), _literal(value))
                index += 1
            elements.append(Element(parameter, argument))
        elif child.type in {"command_argument_sep", "redirection", "comment"}:
            continue
        elif _continues_list(child) and elements and elements[-1].argument is not None:
            # `Shutdown,VSS`: the grammar splits a bare comma list; PowerShell reads one array.
            last = elements[-1]
            assert last.argument is not None
            more = _literal(child)
            values = last.argument.values
            joined = None if values is None or more is None else values + more
            argument = Argument(last.argument.text + _text(child), joined)
            elements[-1] = Element(last.parameter, argument)
        else:
            elements.append(Element(None, Argument(_text(child), _literal(child))))
    parent = node.parent
    piped = False
    if parent is not None and parent.type == "pipeline_chain":
        stages = [c for c in parent.children if c.type not in {"|", "comment"}]
        piped = stages.index(node) > 0 if node in stages else False
    return Call(name, tuple(elements), piped=piped, native=native, line=node.start_point[0] + 1)


def calls(script: str) -> list[Call]:
    """Every command call of *script*, in order, as the grammar reads them."""
    tree = _PARSER.parse(script.encode("utf-8"))
    return [_call(node) for node in _walk(tree.root_node) if node.type == "command"]


def _functions(root: Node) -> set[str]:
    return {
        _text(name)
        for node in _walk(root)
        if node.type == "function_statement"
        for name in node.children
        if name.type == "function_name"
    }


def _parse_errors(root: Node) -> list[Violation]:
    found = []
    errors = [
        node
        for node in _walk(root)
        if node.type == "ERROR" or (node.is_missing and not _list_gap(node))
    ]
    for node in errors:
        text = _text(node)
        line = node.start_point[0] + 1
        if "??" in text:
            found.append(Violation("syntax-5.1", line, "'??' (null-coalescing) is PowerShell 7"))
        elif "?." in text or "?[" in text:
            found.append(Violation("syntax-5.1", line, "'?.' (null-conditional) is PowerShell 7"))
        elif re.search(r"(?:^|\s)\?(?:\s|$)", text):
            found.append(Violation("syntax-5.1", line, "'? :' (ternary) is PowerShell 7"))
        elif text.strip() == "&" or text.rstrip().endswith(" &"):
            found.append(Violation("syntax-5.1", line, "'&' (background job) is PowerShell 7"))
    found = list(dict.fromkeys(found))  # an error inside an error is one error
    if not found and errors:
        first = errors[0]
        found.append(
            Violation("parse", first.start_point[0] + 1, f"cannot parse {_text(first)[:40]!r}")
        )
    return found


def _hash_keys(node: Node) -> set[str]:
    return {
        _text(entry).strip()
        for item in _walk(node)
        if item.type == "hash_entry"
        for entry in item.children
        if entry.type == "key_expression"
    }


def _wmi(root: Node, contract: ScriptContract | None) -> list[Violation]:
    data = reference()
    violations = []
    named: set[str] = set()
    for node in _walk(root):
        if node.type in {
            "verbatim_string_characters",
            "generic_token",
            "expandable_string_literal",
        }:
            for name in _WMI_CLASS.findall(_text(node)):
                named.add(name)
                if data.wmi_class(name) is None:
                    line = node.start_point[0] + 1
                    violations.append(Violation("wmi", line, f"no WMI class {name}"))
    for member in contract.wmi if contract is not None else ():
        name, _, rest = member.partition(".")
        known = data.wmi_class(name)
        if known is None or (rest and not known.has(rest)):
            violations.append(Violation("wmi", 0, f"the contract names {member}, which is not"))
    return violations + _wmi_arguments(root, named)


def _wmi_arguments(root: Node, named: set[str]) -> list[Violation]:
    """Keys of ``Invoke-CimMethod -Arguments`` and ``New-CimInstance -Property`` hashtables."""
    data = reference()
    parameters = {
        parameter
        for name in named
        if (known := data.wmi_class(name)) is not None
        for method in known.methods.values()
        for parameter in method or ()
    }
    violations = []
    for node in (n for n in _walk(root) if n.type == "command"):
        call = _call(node)
        body = next((c for c in node.children if c.type == "command_elements"), None)
        hashes = [n for n in _walk(body) if n.type == "hash_literal_expression"] if body else []
        if not hashes:
            continue
        keys = _hash_keys(hashes[0])
        if call.cmdlet.casefold() == "invoke-cimmethod":
            violations += [
                Violation("wmi", call.line, f"no WMI method takes {key!r}")
                for key in sorted(keys - parameters)
            ]
        if call.cmdlet.casefold() == "new-ciminstance":
            for element in call.elements:
                values = element.argument.values if element.argument is not None else None
                for name in (v for v in values or () if _WMI_CLASS.fullmatch(v)):
                    known = data.wmi_class(name)
                    violations += [
                        Violation("wmi", call.line, f"{name} has no {key!r}")
                        for key in sorted(keys)
                        if known is not None and not known.has(key)
                    ]
    return violations


def _json_arrays(root: Node) -> list[Violation]:
    violations = []
    for node in _walk(root):
        if node.type != "array_expression":
            continue
        statements = next((c for c in node.children if c.type == "statement_list"), None)
        pipelines = (
            [] if statements is None else [c for c in statements.children if c.type == "pipeline"]
        )
        if not pipelines:
            continue
        commands = [n for n in _walk(pipelines[-1]) if n.type == "command"]
        chain = [c for c in commands if c.parent == commands[0].parent] if commands else []
        if chain and _call(chain[-1]).cmdlet.casefold() == "convertfrom-json":
            violations.append(
                Violation(
                    "json-array",
                    node.start_point[0] + 1,
                    "@(... | ConvertFrom-Json): Windows PowerShell 5.1 gives the whole JSON "
                    "array as one object (PowerShell issue #3424)",
                )
            )
    return violations


def _features(root: Node) -> dict[str, int]:
    """Syntax with a minimum version, by where it is first used."""
    seen: dict[str, int] = {}
    for node in _walk(root):
        line = node.start_point[0] + 1
        text = _text(node).strip().casefold()
        if node.type == "comparison_operator" and text in _THREE_OPERATORS:
            seen.setdefault(text, line)
        elif node.type in {"class_statement", "enum_statement"}:
            seen.setdefault(node.type.split("_")[0], line)
        elif node.type == "command_name" and text == "using":
            seen.setdefault("using", line)
        elif node.type == "type_name" and text in _THREE_TYPES:
            seen.setdefault(f"[{text}]", line)
        elif (
            node.type == "member_name"
            and text == "new"
            and node.prev_sibling is not None
            and _text(node.prev_sibling) == "::"
        ):
            seen.setdefault("::new", line)
    return seen


def _powershell_two(
    root: Node, script: str, found: list[Call], contract: ScriptContract | None
) -> list[Violation]:
    features = _features(root)
    violations = [
        Violation("powershell-2.0", features[f], f"{f} does not parse on Windows PowerShell 2.0")
        for f in ("-in", "-notin", "-shl", "-shr", "class", "enum", "using")
        if f in features
    ]
    # A text vmic does not ship (a command typed as Microsoft's articles show it) must run
    # on the guest's own PowerShell, 2.0 on Windows 7.
    needs = contract.powershell if contract is not None else _TWO
    cmdlets = [call for call in found if not call.native and "-" in call.cmdlet]
    if needs is not None and needs > _TWO:
        guard = script.find(_GUARD)
        first = min((call.line for call in cmdlets), default=None)
        guard_line = script.count("\n", 0, guard) + 1 if guard >= 0 else None
        if guard_line is None or (first is not None and first < guard_line):
            violations.append(
                Violation(
                    "powershell-2.0",
                    first or 0,
                    "needs PowerShell 3.0 but does not check the version before its first cmdlet",
                )
            )
        return violations
    for call in cmdlets:
        problem = check_call(call, version=_TWO)
        if problem is not None:
            violations.append(Violation("powershell-2.0", call.line, problem))
    violations += [
        Violation("powershell-2.0", features[f], f"{f} needs PowerShell 3.0")
        for f in ("[ordered]", "[pscustomobject]", "::new")
        if f in features
    ]
    return violations


def _contract(
    root: Node, found: list[Call], functions: set[str], contract: ScriptContract
) -> list[Violation]:
    violations = []
    called = {c.cmdlet for c in found if not c.native and c.cmdlet not in functions}
    if called != set(contract.cmdlets):
        violations.append(
            Violation(
                "contract",
                0,
                f"calls {sorted(called)}, its comment block names {sorted(contract.cmdlets)}",
            )
        )
    data = reference()
    needed = [
        (_THREE, f)
        for f in _features(root)
        if f in {*_THREE_OPERATORS, "[ordered]", "[pscustomobject]"}
    ]
    needed += [(_FIVE, f) for f in _features(root) if f in {"::new", "class", "enum", "using"}]
    for name in sorted(called):
        for entry in data.cmdlet(name):
            if entry.introduced is not None:
                needed.append((entry.introduced, name))
    stated = contract.powershell
    for version, what in needed:
        if stated is not None and stated < version:
            violations.append(
                Violation(
                    "contract",
                    0,
                    f"uses {what} (PowerShell {version}) but says it runs on {stated}",
                )
            )
    return violations


def check(
    script: str,
    *,
    contract: ScriptContract | None = None,
    windows_guest: bool = False,
) -> list[Violation]:
    """Every rule *script* breaks (see the module docstring).

    Args:
        script: The PowerShell text.
        contract: Its contract, for a script vmic ships (the ``wmi`` and ``contract``
            rules read it; ``runs-on`` tells a Windows guest script).
        windows_guest: The script runs in Windows guests (the ``powershell-2.0`` rule).
    """
    tree = _PARSER.parse(script.encode("utf-8"))
    root = tree.root_node
    violations = _parse_errors(root)
    functions = _functions(root)
    found = [call for call in calls(script) if call.cmdlet not in functions]
    for call in found:
        if call.native:
            continue
        problem = check_call(call, version=_FIVE_ONE)
        if problem is not None:
            rule = "cmdlet" if "is not recognized" in problem else "parameter-set"
            violations.append(Violation(rule, call.line, problem))
    for node in _walk(root):
        line = node.start_point[0] + 1
        if node.type == "pipeline_chain_tail":
            operator = _text(node).strip()[:2]
            violations.append(Violation("syntax-5.1", line, f"'{operator}' is PowerShell 7"))
        elif node.type == "variable" and _text(node).casefold() in _SEVEN_VARIABLES:
            violations.append(Violation("syntax-5.1", line, f"{_text(node)} is PowerShell 7"))
    violations += _json_arrays(root)
    violations += _wmi(root, contract)
    if windows_guest or (contract is not None and contract.runs_on == "Windows guest"):
        violations += _powershell_two(root, script, found, contract)
    if contract is not None:
        violations += _contract(root, calls(script), functions, contract)
    return violations
