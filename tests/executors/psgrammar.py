"""Reading generated PowerShell with the real grammar (tree-sitter-powershell).

tree-sitter-powershell ends a single-quoted string at the ASCII apostrophe
only, while PowerShell's own tokenizer also ends it at U+2018, U+2019, U+201A
and U+201B (and reads any two adjacent quote characters as one escaped quote,
keeping the second). So a literal is checked twice: the grammar must parse the
whole script without error, and :func:`decode_single_quoted` (PowerShell's rule)
must find the literal's end exactly where the grammar does.
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter_powershell
from tree_sitter import Language, Node, Parser

QUOTES = frozenset("'\u2018\u2019\u201a\u201b")
_PARSER = Parser(Language(tree_sitter_powershell.language()))


@dataclass(frozen=True)
class Parsed:
    """A parsed script: its shape and its string literals."""

    has_error: bool
    shape: str
    """The S-expression of the syntax tree (node kinds only, no text)."""
    literals: tuple[str, ...]
    """Source text of every string literal, in order."""


def parse(script: str) -> Parsed:
    tree = _PARSER.parse(script.encode("utf-8"))
    literals: list[str] = []

    def walk(node: Node) -> None:
        if node.type == "string_literal":
            literals.append((node.text or b"").decode("utf-8"))
            return
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return Parsed(tree.root_node.has_error, str(tree.root_node), tuple(literals))


class NotOneLiteralError(ValueError):
    """The text is not exactly one PowerShell single-quoted string."""


def decode_single_quoted(literal: str) -> str:
    """Decode *literal* by PowerShell's rule; it must be one single-quoted string, whole.

    Raises:
        NotOneLiteralError: It does not start with a single quote, is not closed,
            or PowerShell would close it before its last character.
    """
    if not literal or literal[0] not in QUOTES:
        raise NotOneLiteralError(f"not a single-quoted string: {literal[:20]!r}")
    out: list[str] = []
    index = 1
    while index < len(literal):
        char = literal[index]
        if char in QUOTES:
            if index + 1 < len(literal) and literal[index + 1] in QUOTES:
                out.append(literal[index + 1])
                index += 2
                continue
            if index != len(literal) - 1:
                raise NotOneLiteralError(f"PowerShell ends this string at index {index}")
            return "".join(out)
        out.append(char)
        index += 1
    msg = "the string is not closed"
    raise NotOneLiteralError(msg)


def decoded_literals(parsed: Parsed) -> list[str]:
    """Decode every single-quoted literal of a parse (others are returned raw)."""
    values: list[str] = []
    for literal in parsed.literals:
        if literal[:1] in QUOTES:
            values.append(decode_single_quoted(literal))
        else:
            values.append(literal)
    return values
