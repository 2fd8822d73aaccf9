r"""Turn what a parser is given into clean text: decode bytes, drop the BOM and ANSI colours.

Windows PowerShell 5.1 writes files as UTF-16 with a BOM (``Out-File``, ``>``) and
PowerShell 7 as UTF-8; a copy from a terminal may keep a UTF-8 BOM, and output
captured from a terminal may carry colour escapes (PowerShell 7.2 colours table
headers). Parsers work on the cleaned text and report positions in it.

>>> clean_text(b"\xef\xbb\xbfStatus\r\n")
'Status\r\n'
>>> clean_text("\x1b[32;1mStatus\x1b[0m")
'Status'
"""

from __future__ import annotations

import codecs
import re
from typing import Final

from vmic.errors import ParseError
from vmic.parsers._errors import error_at

__all__ = ["clean_text"]

# CSI sequences (colours, cursor moves): ESC [ parameters intermediates final-byte.
_ANSI_RE: Final = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _decode(data: bytes) -> str:
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            encoding = name
            break
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        readable = data[: exc.start].decode(encoding, errors="replace")
        shown = readable + data[exc.start :].decode(encoding, errors="replace")
        raise error_at(
            f"the bytes are not valid {encoding.upper()} (byte {exc.start} of the input)",
            shown,
            len(readable),
        ) from None


def clean_text(source: str | bytes) -> str:
    """The text of ``source`` without a leading BOM or ANSI escape sequences.

    Bytes are decoded by their BOM (UTF-8, UTF-16 LE or BE), else as UTF-8.

    Raises:
        ParseError: ``source`` is neither text nor bytes, or its bytes do not decode.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        text = _decode(bytes(source))
    elif isinstance(source, str):
        text = source
    else:
        raise ParseError(f"expected text or bytes, got {type(source).__name__}")
    text = text.removeprefix("\ufeff")
    if "\x1b" in text:
        text = _ANSI_RE.sub("", text)
    return text
