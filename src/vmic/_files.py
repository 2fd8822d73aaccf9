"""Reading and writing the files vmic is pointed at: bounded reads, atomic writes.

Every file vmic loads (saved observations, inventories) is read by :func:`read_text`:
at most a size limit, as UTF-8, with a one-line error naming the file. JSON from such a
file is parsed by :func:`load_json`, whose limits are checked before anything is built
from it: nesting depth, digits of an integer, and no ``NaN`` or infinite number. Every file an
``--output`` option writes goes through :func:`write_atomically`: a temporary file in
the same directory, then a rename, so a reader (node_exporter's textfile collector) sees
the old file or the new one, never a part; a target that is not a regular file (a
device such as ``/dev/null``, a FIFO, a socket, a directory, or a symbolic link to one)
is refused rather than replaced, and an existing file keeps its mode (a ``0600`` file
stays ``0600``) and, where this process may set it, its owner.

YAML (inventories, policies; PyYAML from the ``ansible`` extra) is read by
:func:`load_yaml`, which refuses an alias bomb, a recursive document or a huge integer
before anything is built from it.

Errors are :class:`~vmic.errors.ConfigurationError` (bad input: exit status 2 in the CLI).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

from vmic._third_party import quiet_import
from vmic.errors import ConfigurationError, MissingExtraError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_JSON_DIGITS",
    "MAX_YAML_ALIASES",
    "NEW_FILE_MODE",
    "load_json",
    "load_yaml",
    "read_text",
    "write_atomically",
]

#: The largest file vmic reads unless told otherwise (64 MiB): a saved host of a thousand
#: VMs is a few megabytes, an inventory of 200,000 hosts about ten.
MAX_FILE_BYTES: Final = 64 * 1024 * 1024
#: The mode of a file :func:`write_atomically` creates: readable by the monitoring agent,
#: which may run as another user.
NEW_FILE_MODE: Final = 0o644

#: How deeply a JSON document vmic reads may nest (a saved host nests about ten deep).
MAX_JSON_DEPTH: Final = 64
#: The most digits of an integer in a JSON document vmic reads (a 64-bit number has 20).
MAX_JSON_DIGITS: Final = 20
#: How many values the aliases of a YAML document vmic reads may add when expanded (a real
#: inventory's ``<<: *defaults`` adds a few per host; an alias bomb adds billions).
MAX_YAML_ALIASES: Final = 100_000

_KINDS: Final = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str | None:
    """What a non-regular file is (None for a regular file)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def read_text(path: str | Path, *, what: str, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of *path*, refused before it is read past *limit* bytes.

    Args:
        path: The file.
        what: What the file is, for messages ("the inventory", "the observations").
        limit: The most bytes accepted (a device such as ``/dev/zero`` stops there).

    Raises:
        ConfigurationError: It cannot be read, is a directory, is larger than *limit*,
            or is not UTF-8; the message names the file once.
    """
    try:
        with Path(path).open("rb") as stream:
            data = stream.read(limit + 1)
    except IsADirectoryError:
        raise ConfigurationError(f"{path}: cannot read {what}: it is a directory") from None
    except OSError as error:
        raise ConfigurationError(f"{path}: cannot read {what}: {_reason(error)}") from None
    if len(data) > limit:
        raise ConfigurationError(f"{path}: cannot read {what}: larger than {limit:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigurationError(
            f"{path}: cannot read {what}: not UTF-8 text (byte {error.start:,})"
        ) from None


def write_atomically(path: str | Path, text: str, *, what: str = "--output") -> None:
    """Write *text* (UTF-8) to *path* through a temporary file in its directory and a rename.

    A symbolic link is followed and kept: the file it points to is replaced. The
    temporary name starts with a dot and ends in ``.tmp``, so a collector reading
    ``*.prom`` ignores it while it is written.

    Args:
        path: The file to write.
        text: Its new content.
        what: The option or purpose, for messages.

    Raises:
        ConfigurationError: The target is not a regular file (or a link to one), its
            directory does not exist or cannot be written, or the disk is full.
    """
    given = Path(path)
    # The file a link names is the one replaced; the link stays a link.
    target = Path(os.path.realpath(given))
    try:
        status: os.stat_result | None = target.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise ConfigurationError(f"{given}: cannot write {what}: {_reason(error)}") from None
    if status is not None:
        kind = _kind(status.st_mode)
        if kind is not None:
            shown = f"{given} (a link to {target})" if target != given.absolute() else str(given)
            raise ConfigurationError(
                f"{shown}: {what} is {kind}, not a regular file; vmic replaces only regular files"
            )
    try:
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise ConfigurationError(f"{given}: cannot write {what}: {_reason(error)}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            # The owner and mode of the file replaced, else the collector-readable default.
            if status is not None:
                with contextlib.suppress(OSError):  # only root (or the owner) may set it
                    os.fchown(stream.fileno(), status.st_uid, status.st_gid)
            mode = NEW_FILE_MODE if status is None else stat.S_IMODE(status.st_mode)
            os.fchmod(stream.fileno(), mode)
            os.fsync(stream.fileno())
        Path(temporary).replace(target)
    except (OSError, UnicodeEncodeError) as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        reason = _reason(error) if isinstance(error, OSError) else "text that is not UTF-8"
        raise ConfigurationError(f"{given}: cannot write {what}: {reason}") from None


# A JSON string (with its escapes), and what is left of the brackets outside strings.
_JSON_STRING_RE: Final = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET_RE: Final = re.compile(r"[^\[\]{}]+")


def _json_depth(text: str) -> int:
    """How deeply *text* nests its arrays and objects (counted without parsing it)."""
    brackets = _NOT_BRACKET_RE.sub("", _JSON_STRING_RE.sub("", text))
    steps = (1 if bracket in "[{" else -1 for bracket in brackets)
    return max(itertools.accumulate(steps, initial=0))


def load_json(text: str, *, source: str, max_depth: int = MAX_JSON_DEPTH) -> Any:  # noqa: ANN401 - JSON data
    """The JSON value of *text*, within vmic's limits, checked before it is built.

    Args:
        text: The document.
        source: Its name (a file), for messages.
        max_depth: How deeply arrays and objects may nest.

    Raises:
        ConfigurationError: Not JSON, nested deeper than *max_depth*, an integer of more
            than :data:`MAX_JSON_DIGITS` digits, or ``NaN``/``Infinity``/a number too
            large for a float; the message names *source* once.
    """
    depth = _json_depth(text)
    if depth > max_depth:
        raise ConfigurationError(f"{source}: nested {depth} deep; vmic reads at most {max_depth}")

    def refuse(message: str) -> NoReturn:
        raise ConfigurationError(f"{source}: {message}")

    def integer(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_JSON_DIGITS:
            refuse(f"an integer of {len(digits):,} digits; vmic reads at most {MAX_JSON_DIGITS}")
        return int(digits)

    def decimal(digits: str) -> float:
        value = float(digits)
        if not math.isfinite(value):
            refuse(f"the number {digits[:20]} is too large for a float")
        return value

    def constant(name: str) -> NoReturn:
        refuse(f"{name} is not a JSON number")

    try:
        return json.loads(text, parse_int=integer, parse_float=decimal, parse_constant=constant)
    except json.JSONDecodeError as error:
        refuse(f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    except RecursionError:  # the depth is checked above; this is the last guard
        refuse("nested too deeply")


# --- YAML ---------------------------------------------------------------------------------

_YAML_INT: Final = "tag:yaml.org,2002:int"
# The most characters of a YAML integer (a port has 5; underscores and signs allowed).
_LONGEST_INTEGER: Final = 30


def _yaml_loader(feature: str, tags: Mapping[str, Callable[[Any, Any], object]]) -> Any:  # noqa: ANN401 - a PyYAML loader class, typed loosely by PyYAML
    try:
        with quiet_import("yaml"):
            import yaml  # noqa: PLC0415 - optional extra, loaded on use
    except ImportError:
        raise MissingExtraError(feature, extra="ansible", module="yaml") from None

    # libyaml's parser (as Ansible uses when it is there): many times faster than PyYAML's
    # own, and it refuses nesting past its depth limit itself.
    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(safe):  # type: ignore[valid-type,misc] # either of PyYAML's safe loaders
        """PyYAML's safe loader, with the caller's own tags."""

    for tag, construct in tags.items():
        Loader.add_constructor(tag, construct)
    return Loader


def _children(node: Any) -> list[Any]:  # noqa: ANN401 - a PyYAML node
    value = node.value
    if isinstance(value, list):
        return [part for item in value for part in (item if isinstance(item, tuple) else (item,))]
    return []


def _check_expansion(root: Any, refuse: Callable[[str], NoReturn], max_aliases: int) -> None:  # noqa: ANN401 - a PyYAML node
    """Refuse a YAML node graph that expands too far, refers to itself or holds a huge int.

    An alias bomb, a recursive document, an integer of more digits than any file vmic
    reads needs: each is refused before anything is built.

    The composed graph shares a node wherever an alias names it; the values the document
    would build are counted on that graph (each node once), so nothing is built to count.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if node.tag == _YAML_INT and len(node.value) > _LONGEST_INTEGER:
            # PyYAML's int() would refuse (or take quadratic time on) thousands of digits.
            refuse(f"an integer of {len(node.value):,} digits (line {node.start_mark.line + 1})")
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            continue
        if key in on_path:
            refuse("an alias refers to a value that holds it (a recursive document)")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    extra = sizes[id(root)] - len(sizes)
    if extra > max_aliases:
        refuse(
            f"its aliases would expand to {extra:,} more values; vmic reads at most "
            f"{max_aliases:,} (an alias bomb?)"
        )


def load_yaml(
    text: str,
    *,
    source: str,
    what: str,
    feature: str,
    tags: Mapping[str, Callable[[Any, Any], object]] | None = None,
    max_aliases: int = MAX_YAML_ALIASES,
) -> Any:  # noqa: ANN401 - YAML data
    """The YAML document of *text*, built only once its node graph is checked.

    Args:
        text: The document.
        source: Its name (a file), for messages.
        what: What it should be, for messages ("an inventory", "a policy").
        feature: What needs PyYAML, for the message when it is missing.
        tags: Constructors of the caller's own tags (Ansible's ``!vault``).
        max_aliases: How many values aliases may add (see :data:`MAX_YAML_ALIASES`).

    Raises:
        ConfigurationError: Not YAML, nested too deeply, an alias bomb, a recursive
            document or a huge integer; the message names *source* once.
        MissingExtraError: PyYAML is not installed.
    """

    def refuse(message: str) -> NoReturn:
        raise ConfigurationError(f"{source}: {message}")

    loader = _yaml_loader(feature, tags or {})(text)
    import yaml  # noqa: PLC0415 - present: _yaml_loader checked

    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            refuse(f"not {what}: values are nested too deeply")
        if node is None:
            return None
        _check_expansion(node, refuse, max_aliases)
        try:
            return loader.construct_document(node)
        except RecursionError:
            refuse(f"not {what}: values are nested too deeply")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        refuse(f"not valid YAML: {problem}{where}")
    finally:
        loader.dispose()  # both loaders have it: it drops the parser's state
