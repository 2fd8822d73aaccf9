"""Importing optional third-party packages without passing their known warnings to users.

An upstream release can start warning at import time about something vmic neither uses
nor can change (``cryptography`` 51 deprecates DSA, and ``asyncssh`` names DSA types when
it is imported). Such a warning is noise to an administrator and, under
``-W error``, an outage. :func:`quiet_import` wraps the import of one optional package:
the warnings listed in :data:`KNOWN_WARNINGS` for that package are kept off the screen
and logged at DEBUG level on the ``vmic.third_party`` logger (``vmic --debug`` shows
them); every other warning raised by the import goes on as if nothing had caught it.

Each entry names the upstream change it belongs to, so that it can be removed when the
package stops warning.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from typing import TYPE_CHECKING, Final

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["KNOWN_WARNINGS", "KnownWarning", "quiet_import"]

LOG: Final = logging.getLogger("vmic.third_party")


@attrs.frozen
class KnownWarning:
    """A warning one optional package is known to raise when it is imported.

    Attributes:
        package: The top-level package whose import raises it (``asyncssh``).
        category: The warning class's name (the class itself may not be importable).
        message: A regular expression the warning's text must match from its start.
        upstream: The upstream release or issue it belongs to.
    """

    package: str
    category: str
    message: str
    upstream: str

    def matches(self, package: str, warning: warnings.WarningMessage) -> bool:
        """Whether *warning*, raised while importing *package*, is this one."""
        return (
            package == self.package
            and type(warning.message).__name__ == self.category
            and re.match(self.message, str(warning.message)) is not None
        )


KNOWN_WARNINGS: Final = (
    KnownWarning(
        package="asyncssh",
        category="CryptographyDeprecationWarning",
        message=r"DSA is deprecated",
        upstream="cryptography 51.0.0 deprecates DSA (pyca/cryptography#15597); asyncssh "
        "2.24 names its DSA types at import",
    ),
)


@contextlib.contextmanager
def quiet_import(package: str) -> Iterator[None]:
    """Import *package* inside this block without showing its known warnings.

    Args:
        package: The top-level package imported in the block (``asyncssh``, ``pypsrp``,
            ``keyring``, ``yaml``).

    The known warnings are logged at DEBUG level; any other warning is raised again as
    it was raised (same category, text and place), so the caller's filters apply to it.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        known = next((k for k in KNOWN_WARNINGS if k.matches(package, warning)), None)
        if known is not None:
            LOG.debug(
                "%s:%s: %s: %s (%s)",
                warning.filename,
                warning.lineno,
                type(warning.message).__name__,
                warning.message,
                known.upstream,
            )
            continue
        warnings.warn_explicit(
            warning.message,
            warning.category,
            warning.filename,
            warning.lineno,
            source=warning.source,
        )
