r"""Reading PowerShell as far as the lab needs: the commands a script calls, and its syntax.

The lab does not run PowerShell. It reads what it is sent to hold it to the documented
contracts (:mod:`vmic.testing._reference`): which cmdlets are called with which parameters,
where a call takes pipeline input, which syntax the text uses (``&&``, ``??``, ternaries
and ``-in`` do not parse on every PowerShell). :func:`read` does that for the forms vmic's
scripts and the commands of Microsoft's articles use, without a grammar library, so that
the lab works wherever vmic does; the test suite reads every script vmic ships with the
tree-sitter PowerShell grammar as well and checks that both readings agree.

>>> reading = read("Get-VMIntegrationService -VMName 'DemoVM' | Where-Object { $_.Enabled }")
>>> [(call.name, call.piped) for call in reading.calls]
[('Get-VMIntegrationService', False), ('Where-Object', True)]
>>> [(e.parameter, e.argument and e.argument.values) for e in reading.calls[0].elements]
[('VMName', None), (None, ('DemoVM',))]
>>> sorted(read("if ($a -in $b && $c) { $d ?? 1 }").operators)
['&&', '-in', '??']

What it reads:

- comments (``#`` and ``<# #>``), line continuations (a backtick at a line's end), strings
  (single-quoted with PowerShell's five quote characters; double-quoted, expandable;
  here-strings);
- statements and pipelines, script blocks, ``(...)``, ``@(...)``, ``$(...)``, hashtables,
  type literals, member access, the keywords of flow control and ``function``;
- a command call: its name, its parameters (``-Name``, ``-Name:value``) and arguments
  (a literal, a comma list of literals, a variable, a group...), whether it is fed by a
  pipeline, and ``&`` (native programs).

An argument's ``values`` are its literal values (quoted strings, bare words, numbers, a
comma list of them); ``None`` when it is anything else (a variable, an expression).
"""

from __future__ import annotations

import re
from typing import Final

import attrs

__all__ = ["Argument", "Call", "Element", "Reading", "ReadingError", "read"]

_SINGLE: Final = "'\u2018\u2019\u201a\u201b"
_DOUBLE: Final = '"\u201c\u201d\u201e'
_DASHES: Final = "-\u2013\u2014\u2015"
_OPENERS: Final = {"(": ")", "@(": ")", "$(": ")", "{": "}", "@{": "}", "[": "]"}
_KEYWORDS: Final = frozenset(
    {
        "begin",
        "break",
        "catch",
        "class",
        "continue",
        "data",
        "do",
        "dynamicparam",
        "else",
        "elseif",
        "end",
        "enum",
        "exit",
        "filter",
        "finally",
        "for",
        "foreach",
        "function",
        "if",
        "param",
        "process",
        "return",
        "switch",
        "throw",
        "trap",
        "try",
        "until",
        "using",
        "while",
    }
)
_COMMAND_NAME: Final = re.compile(r"[A-Za-z_][\w.-]*(?:\\[A-Za-z_][\w.-]*)?\Z")
_PARAMETER: Final = re.compile(rf"[{_DASHES}]([A-Za-z_][\w-]*)(:?)\Z")
_REDIRECTION: Final = re.compile(r"(?:[1-6*]?>>?(?:&[12])?|[1-6*]?>&[12]|<)")
_VARIABLE: Final = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_]\w*(?::\w+)?|[\w?^$])")
_MEMBER: Final = re.compile(r"(?:\.|::)[A-Za-z_]\w*")
_NUMBER: Final = re.compile(r"\d[\w.]*\Z")
# Operators that end a line without ending the statement.
_BINARY: Final = frozenset({"+", "-", "*", "/", "%", "=", ",", "..", "!", "-not"})
_WORD_END: Final = frozenset(" \t\r\n(){}[]|;,'\"`\u2018\u2019\u201a\u201b\u201c\u201d\u201e")


class ReadingError(ValueError):
    """The text is not PowerShell the reader can follow (an unclosed string or bracket)."""


@attrs.frozen
class _Token:
    kind: str  # word, var, string, open, close, pipe, newline, sep, comma, amp, op, member
    text: str
    line: int
    space: bool  # white space before it
    value: str | None = None  # a string's value, when it expands nothing


@attrs.frozen
class Argument:
    """One argument of a command call.

    Attributes:
        text: Its source text.
        values: Its literal values (several for a comma list); None when it is not literal.
    """

    text: str
    values: tuple[str, ...] | None


@attrs.frozen
class Element:
    """A parameter (``-Name``, with its argument when written ``-Name:value``) or an argument."""

    parameter: str | None
    argument: Argument | None


@attrs.frozen
class Call:
    r"""A command call.

    Attributes:
        name: The command as written (``Hyper-V\\Get-VM``, ``reg.exe``, ``vmicItems``).
        elements: Its parameters and arguments, in order.
        piped: Whether it is fed by a pipeline (it is not first in its pipeline).
        native: Whether it is invoked with ``&`` (a program or a script block).
        line: Its line (1-based).
    """

    name: str
    elements: tuple[Element, ...]
    piped: bool
    native: bool
    line: int

    @property
    def cmdlet(self) -> str:
        r"""The name without a module qualifier (``Get-VM`` for ``Hyper-V\\Get-VM``)."""
        return self.name.rsplit("\\", 1)[-1]


@attrs.frozen
class Reading:
    """What :func:`read` found.

    Attributes:
        calls: Every command call, in the order of the text.
        pipelines: The top-level statements that are pipelines, each as its stages (a call,
            or None for an expression).
        statements: How many top-level statements the text has.
        functions: The functions the text defines.
        operators: The operators and syntax it uses outside strings and comments among
            ``&&``, ``||``, ``&`` (run in the background), ``??``, ``??=``, ``?.``, ``?[``,
            ``?:`` (a ternary), ``-in``, ``-notin``, ``-shl``, ``-shr``, ``::new``, ``class``,
            ``enum``, ``using``.
        variables: The variables it reads or sets (names without ``$``).
        types: The type literals it names (``[ordered]`` gives ``ordered``).
        literals: The values of its string literals and bare-word arguments.
        json_whole: Lines where ``ConvertFrom-Json`` ends a pipeline inside ``@(...)``:
            Windows PowerShell 5.1 gives such a pipeline the whole JSON array as one object
            (PowerShell issue #3424), so ``@()`` does not enumerate it.
    """

    calls: tuple[Call, ...]
    pipelines: tuple[tuple[Call | None, ...], ...]
    statements: int
    functions: frozenset[str]
    operators: frozenset[str]
    variables: frozenset[str]
    types: frozenset[str]
    literals: tuple[str, ...]
    json_whole: tuple[int, ...]


def _single_quoted(text: str, start: int) -> tuple[str, int]:
    value: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char in _SINGLE:
            if index + 1 < len(text) and text[index + 1] in _SINGLE:
                value.append(text[index + 1])
                index += 2
                continue
            return "".join(value), index + 1
        value.append(char)
        index += 1
    msg = "a single-quoted string is not closed"
    raise ReadingError(msg)


def _double_quoted(text: str, start: int) -> tuple[str | None, int]:
    value: list[str] = []
    expands = False
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "`":
            expands = True  # an escape: the value is not the text
            index += 2
            continue
        if char == "$" and index + 1 < len(text) and text[index + 1] == "(":
            expands = True
            index = _skip_subexpression(text, index + 2)
            continue
        if (
            char == "$"
            and index + 1 < len(text)
            and (text[index + 1].isalnum() or text[index + 1] in "_{:?")
        ):
            expands = True
        if char in _DOUBLE:
            if index + 1 < len(text) and text[index + 1] in _DOUBLE:
                value.append(text[index + 1])
                index += 2
                continue
            return (None if expands else "".join(value)), index + 1
        value.append(char)
        index += 1
    msg = "a double-quoted string is not closed"
    raise ReadingError(msg)


def _skip_subexpression(text: str, index: int) -> int:
    depth = 1
    while index < len(text):
        char = text[index]
        if char in _SINGLE:
            index = _single_quoted(text, index)[1]
            continue
        if char in _DOUBLE:
            index = _double_quoted(text, index)[1]
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    msg = "a $( ) in a string is not closed"
    raise ReadingError(msg)


def _tokens(text: str) -> list[_Token]:  # noqa: PLR0912, PLR0915 - one branch per token kind
    tokens: list[_Token] = []
    index = 0
    line = 1
    space = True
    length = len(text)

    def add(kind: str, token: str, value: str | None = None) -> None:
        nonlocal space
        tokens.append(_Token(kind, token, line, space, value))
        space = False

    while index < length:
        char = text[index]
        if char in " \t\f\ufeff\xa0":
            index += 1
            space = True
            continue
        if char == "`" and text[index + 1 : index + 2] in {"\n", "\r"}:
            index += 2 if text[index + 1] == "\n" else 1
            if text[index : index + 1] == "\n":
                index += 1
            line += 1
            space = True
            continue
        if char in "\r\n":
            if char == "\r" and text[index + 1 : index + 2] == "\n":
                index += 1
            add("newline", "\n")
            line += 1
            index += 1
            space = True
            continue
        if text.startswith("<#", index):
            end = text.find("#>", index + 2)
            if end < 0:
                msg = "a <# comment is not closed"
                raise ReadingError(msg)
            line += text.count("\n", index, end)
            index = end + 2
            space = True
            continue
        if char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        if text.startswith(("@'", '@"'), index) and text[index + 2 : index + 3] in {"\n", "\r"}:
            closer = "\n" + text[index + 1] + "@"
            end = text.find(closer, index)
            if end < 0:
                msg = "a here-string is not closed"
                raise ReadingError(msg)
            body = text[index + 3 : end].lstrip("\n")
            add("string", text[index : end + 3], body if text[index + 1] == "'" else None)
            line += text.count("\n", index, end + 3)
            index = end + 3
            continue
        if char in _SINGLE:
            value, end = _single_quoted(text, index)
            add("string", text[index:end], value)
            line += text.count("\n", index, end)
            index = end
            continue
        if char in _DOUBLE:
            expanded, end = _double_quoted(text, index)
            add("string", text[index:end], expanded)
            line += text.count("\n", index, end)
            index = end
            continue
        two = text[index : index + 2]
        if two in {"@(", "$(", "@{"}:
            add("open", two)
            index += 2
            continue
        if char in "({[":
            add("open", char)
            index += 1
            continue
        if char in ")}]":
            add("close", char)
            index += 1
            continue
        if two in {"&&", "||", "??"}:
            three = text[index : index + 3]
            add("op", "??=" if three == "??=" else two)
            index += 3 if three == "??=" else 2
            continue
        if char == "|":
            add("pipe", "|")
            index += 1
            continue
        if char == ";":
            add("sep", ";")
            index += 1
            continue
        if char == ",":
            add("comma", ",")
            index += 1
            continue
        if char == "&":
            add("amp", "&")
            index += 1
            continue
        if two in {"?.", "?["} and tokens and not space:
            add("op", two)
            index += 2 if two == "?." else 1
            continue
        redirection = _REDIRECTION.match(text, index)
        if redirection is not None and (space or not tokens):
            index = redirection.end()
            space = True
            continue
        if char == "$":
            match = _VARIABLE.match(text, index)
            if match is None:
                add("word", "$")
                index += 1
                continue
            end = match.end()
            add("var", text[index:end])
            index = end
            continue
        member = _MEMBER.match(text, index)
        if member is not None and tokens and not space:
            add("member", member.group(0))
            index = member.end()
            continue
        start = index
        while index < length and text[index] not in _WORD_END:
            if index > start and text[index] == "$":
                break
            index += 1
            if text[index - 1] == ":" and _PARAMETER.match(text[start:index]):
                break  # `-Name:value`: the value is a token of its own
        if index == start:  # a lone character the reader has no use for
            add("word", char)
            index += 1
            continue
        add("word", text[start:index])
    return tokens


@attrs.define
class _Reader:
    tokens: list[_Token]
    index: int = 0
    calls: list[tuple[int, Call]] = attrs.field(factory=list)
    statements: int = 0
    functions: set[str] = attrs.field(factory=set)
    operators: set[str] = attrs.field(factory=set)
    variables: set[str] = attrs.field(factory=set)
    types: set[str] = attrs.field(factory=set)
    literals: list[str] = attrs.field(factory=list)
    json_whole: list[int] = attrs.field(factory=list)

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def skip_newlines(self) -> None:
        while (token := self.peek()) is not None and token.kind in {"newline", "sep"}:
            self.index += 1

    def block(self, closer: str | None) -> list[list[Call | None]]:
        """Statements up to *closer* (consumed); the pipelines among them."""
        pipelines: list[list[Call | None]] = []
        while True:
            self.skip_newlines()
            token = self.peek()
            if token is None:
                if closer is not None:
                    msg = f"a {closer!r} is missing"
                    raise ReadingError(msg)
                return pipelines
            if token.kind == "close":
                if token.text != closer:
                    msg = f"line {token.line}: {token.text!r} closes nothing"
                    raise ReadingError(msg)
                self.index += 1
                return pipelines
            start = self.index
            pipeline = self.statement(closer)
            if closer is None:
                self.statements += 1
            if pipeline:
                pipelines.append(pipeline)
            if self.index == start:  # pragma: no cover - every statement consumes a token
                self.index += 1

    def statement(self, closer: str | None) -> list[Call | None]:
        """One statement: a keyword construct, or a pipeline (with an assignment)."""
        stages: list[Call | None] = []
        piped = False
        while True:
            token = self.peek()
            if token is None or token.kind in {"newline", "sep", "close"}:
                return stages
            if token.kind == "word" and token.text.casefold() in _KEYWORDS and not piped:
                self.keyword(token, closer)
                return stages
            if token.kind == "amp":
                self.index += 1
                after = self.peek()
                if after is None or after.kind in {"newline", "sep", "close"}:
                    self.operators.add("&")  # the background operator ends the pipeline
                    return stages
                stages.append(self.call(piped=piped, native=True))
            elif token.kind == "word" and (
                token.text in {"?", "%"}  # the aliases of Where-Object and ForEach-Object
                or (_COMMAND_NAME.match(token.text) and not _NUMBER.match(token.text))
            ):
                stages.append(self.call(piped=piped, native=False))
            else:
                assigned = self.expression()
                stages.append(None)
                if assigned:
                    stages.clear()
                    continue
            token = self.peek()
            if token is not None and token.kind == "pipe":
                self.index += 1
                while (after := self.peek()) is not None and after.kind == "newline":
                    self.index += 1
                piped = True
                continue
            if token is not None and token.kind == "op" and token.text in {"&&", "||"}:
                self.operators.add(token.text)
                self.index += 1
                piped = False
                continue
            return stages

    def keyword(self, token: _Token, closer: str | None) -> None:  # noqa: PLR0912
        word = token.text.casefold()
        self.index += 1
        if word in {"class", "enum", "using"}:
            self.operators.add(word)
            while (rest := self.peek()) is not None and rest.kind != "newline":
                if rest.kind == "open":
                    self.index += 1
                    self.skip_group(_OPENERS[rest.text])
                    continue
                self.index += 1
            return
        if word in {"function", "filter"}:
            name = self.peek()
            if name is not None and name.kind == "word":
                self.functions.add(name.text)
                self.index += 1
        if word in {"return", "throw", "exit"}:
            self.statement(closer)
            return
        if word in {"break", "continue"}:
            return
        if word == "catch":
            while (kind := self.peek()) is not None and kind.text == "[":
                self.index += 1
                self.skip_group("]")
        # Conditions and blocks follow: `if (...) {...}`, `foreach (...) {...}`, `else {...}`,
        # `do {...} while (...)`, `function name (...) {...}`, `param(...)`.
        while (part := self.peek()) is not None:
            if part.kind == "newline" and word in {"do", "try", "else"}:
                self.index += 1
                continue
            if part.kind != "open" or part.text not in {"(", "{"}:
                return
            self.index += 1
            self.block(_OPENERS[part.text])
            if part.text == "{":
                after = self.peek()
                if (
                    after is not None
                    and after.kind == "word"
                    and after.text.casefold()
                    in {
                        "while",
                        "until",
                    }
                ):
                    self.index += 1
                    continue
                return

    def source(self, start: int, end: int) -> str:
        """The text of tokens *start* to *end* (spaced as written, white space as one)."""
        tokens = self.tokens[start:end]
        return "".join((" " if t.space and i else "") + t.text for i, t in enumerate(tokens))

    def skip_group(self, closer: str) -> None:
        depth = 1
        while (token := self.peek()) is not None:
            self.index += 1
            if token.kind == "open":
                depth += 1
            elif token.kind == "close":
                depth -= 1
                if depth == 0:
                    if token.text != closer:
                        msg = f"line {token.line}: {token.text!r} where {closer!r} was expected"
                        raise ReadingError(msg)
                    return
        msg = f"a {closer!r} is missing"
        raise ReadingError(msg)

    def group(self, token: _Token) -> None:
        """The group that *token* opens (consumed), read for the calls in it."""
        before = self.tokens[self.index - 1] if self.index else None
        self.index += 1
        closer = _OPENERS[token.text]
        # `$a[0]`, `(...)[0]`, `$a.b[0]` index; `[int][Math]` is a chain of type literals.
        indexes = (
            before is not None
            and not token.space
            and (before.kind in {"var", "member", "string"} or before.text == ")")
        )
        if token.text == "[" and not indexes:
            start = self.index
            self.skip_group("]")
            inner = "".join(t.text for t in self.tokens[start : self.index - 1])
            self.types.add(inner.strip().casefold())
            return
        if token.text == "@{":
            self.hashtable()
            return
        pipelines = self.block(closer)
        if token.text == "@(" and pipelines:
            last = pipelines[-1][-1]
            if last is not None and last.cmdlet.casefold() == "convertfrom-json":
                self.json_whole.append(last.line)

    def hashtable(self) -> None:
        while True:
            self.skip_newlines()
            token = self.peek()
            if token is None:
                msg = "a '}' is missing"
                raise ReadingError(msg)
            if token.kind == "close":
                self.index += 1
                if token.text != "}":
                    msg = f"line {token.line}: {token.text!r} where '}}' was expected"
                    raise ReadingError(msg)
                return
            self.index += 1  # the key
            if token.kind == "string" and token.value is not None:
                self.literals.append(token.value)
            equals = self.peek()
            if equals is not None and equals.kind == "word" and equals.text == "=":
                self.index += 1
                self.statement("}")

    def expression(self) -> bool:
        """An expression up to the end of its pipeline element; True when it assigns."""
        previous: _Token | None = None
        while (token := self.peek()) is not None:
            if token.kind in {"sep", "close", "pipe"}:
                return False
            if token.kind == "op" and token.text in {"&&", "||"}:
                return False
            if token.kind == "newline":
                if previous is not None and (
                    previous.kind == "comma"
                    or previous.text.casefold() in _BINARY
                    or (previous.kind == "word" and previous.text[:1] in _DASHES)
                ):
                    self.index += 1
                    continue
                return False
            self.index += 1
            self.token(token, command=False)
            if token.kind == "word" and token.text in {"=", "+=", "-=", "*=", "/=", "%="}:
                return True
            if token.kind == "op" and token.text == "??=":
                self.operators.add("??=")
                return True
            previous = token
        return False

    def token(self, token: _Token, *, command: bool) -> None:
        """Note what one token of an expression or an argument says."""
        if token.kind == "open":
            self.index -= 1
            self.group(token)
        elif token.kind == "var":
            name = token.text[1:].strip("{}")
            self.variables.add(name.split(":", 1)[-1] if name.startswith("env:") else name)
        elif token.kind == "string" and token.value is not None:
            self.literals.append(token.value)
        elif token.kind == "member" and token.text.casefold() == "::new":
            self.operators.add("::new")
        elif token.kind == "op":
            self.operators.add(token.text)
        elif token.kind == "word" and not command:
            lowered = token.text.casefold()
            if lowered[:1] in _DASHES and lowered[1:] in {"in", "notin", "shl", "shr"}:
                self.operators.add("-" + lowered[1:])
            if lowered == "?":
                self.operators.add("?:")

    def call(self, *, piped: bool, native: bool) -> Call:
        start = self.index
        head = self.peek()
        if head is None:
            msg = "'&' calls nothing"
            raise ReadingError(msg)
        self.index += 1
        name = head.value if head.kind == "string" and head.value is not None else head.text
        if head.kind == "open":
            self.index -= 1
            self.group(head)
            name = self.source(start, self.index)
        elements: list[Element] = []
        while (token := self.peek()) is not None:
            if token.kind in {"newline", "sep", "close", "pipe"}:
                break
            if token.kind == "op" and token.text in {"&&", "||"}:
                break
            if token.kind == "word" and (parameter := _PARAMETER.match(token.text)) is not None:
                self.index += 1
                argument = self.argument() if parameter.group(2) else None
                elements.append(Element(parameter.group(1), argument))
                continue
            elements.append(Element(None, self.argument()))
        call = Call(name, tuple(elements), piped=piped, native=native, line=head.line)
        self.calls.append((start, call))
        return call

    def argument(self) -> Argument:
        """One argument: adjacent tokens, or a comma list of them."""
        start = self.index
        values: list[str] | None = []
        while True:
            value = self.unit()
            if values is not None and value is not None:
                values.append(value)
            else:
                values = None
            comma = self.peek()
            if comma is None or comma.kind != "comma":
                break
            self.index += 1
            while (after := self.peek()) is not None and after.kind == "newline":
                self.index += 1
        text = " ".join(t.text for t in self.tokens[start : self.index])
        return Argument(text, None if values is None else tuple(values))

    def unit(self) -> str | None:
        """One argument unit (tokens without white space between); its literal value."""
        first = self.peek()
        if first is None:  # pragma: no cover - the caller saw a token
            return None
        value: str | None = None
        parts = 0
        while (token := self.peek()) is not None and (parts == 0 or not token.space):
            if parts and token.kind in {"newline", "sep", "close", "pipe", "comma"}:
                break
            if parts and token.kind == "open" and token.text == "(" and first.kind == "word":
                break  # `New-Object Type($a, $b)`: the parentheses are the next argument
            self.index += 1
            if token.kind == "string":
                value = token.value
            elif token.kind == "word":
                value = token.text
                self.literals.append(token.text)
            else:
                value = None
            self.token(token, command=True)
            parts += 1
        return value if parts == 1 else None


def read(text: str) -> Reading:
    """What *text* calls and which syntax it uses (see the module docstring).

    Raises:
        ReadingError: A string, comment or bracket is not closed, or a bracket closes
            nothing.
    """
    reader = _Reader(_tokens(text))
    pipelines = reader.block(None)
    return Reading(
        calls=tuple(call for _, call in sorted(reader.calls, key=lambda found: found[0])),
        pipelines=tuple(tuple(pipeline) for pipeline in pipelines),
        statements=reader.statements,
        functions=frozenset(reader.functions),
        operators=frozenset(reader.operators),
        variables=frozenset(reader.variables),
        types=frozenset(reader.types),
        literals=tuple(reader.literals),
        json_whole=tuple(reader.json_whole),
    )
