"""Operating systems of Hyper-V hosts and guests, and a forgiving parser for their names.

>>> from vmic import parse_os
>>> os = parse_os("Windows Server 2008 R2 (SP 1)")
>>> os.product, os.service_pack
(Product.WINDOWS_SERVER_2008_R2, 1)
>>> str(parse_os("ws2012r2"))
'Windows Server 2012 R2'
>>> str(parse_os("Windows Server Datacenter", version="10.0.17763"))
'Windows Server 2019 (build 17763)'
>>> fedora = parse_os("Fedora Linux 41 (Server Edition)")
>>> fedora.distribution, fedora.distribution_version
('fedora', '41')
>>> str(parse_os("Debian GNU/Linux 12 (bookworm)"))
'Linux (debian 12)'
"""

from __future__ import annotations

import functools
import re
from typing import Final

import attrs

from vmic.errors import InvalidRecordError, UnknownOperatingSystemError
from vmic.model._named import NamedEnum, cut
from vmic.model._os_data import (
    LINUX_CODENAMES,
    LINUX_DISTRIBUTIONS,
    LINUX_IDS,
    OS_ROWS,
    SERVER_BUILDS,
    WINDOWS_11_FIRST_BUILD,
)

__all__ = ["HOSTS", "OSFamily", "OperatingSystem", "Product", "parse_os"]


class OSFamily(NamedEnum):
    """Broad family of an operating system."""

    WINDOWS_CLIENT = "windows_client"
    WINDOWS_SERVER = "windows_server"
    LINUX = "linux"


class Product(NamedEnum):
    """An operating-system product that appears in the Hyper-V documentation."""

    # Members are singletons compared by identity: hash them by identity too, in C
    # (Enum.__hash__ is a Python call, and these are dict keys on every hot path).
    __hash__ = object.__hash__

    WINDOWS_XP = "windows_xp"
    WINDOWS_VISTA = "windows_vista"
    WINDOWS_7 = "windows_7"
    WINDOWS_8 = "windows_8"
    WINDOWS_8_1 = "windows_8_1"
    WINDOWS_10 = "windows_10"
    WINDOWS_11 = "windows_11"
    WINDOWS_SERVER_2003 = "windows_server_2003"
    WINDOWS_SERVER_2003_R2 = "windows_server_2003_r2"
    WINDOWS_SERVER_2008 = "windows_server_2008"
    WINDOWS_SERVER_2008_R2 = "windows_server_2008_r2"
    WINDOWS_SERVER_2012 = "windows_server_2012"
    WINDOWS_SERVER_2012_R2 = "windows_server_2012_r2"
    WINDOWS_SERVER_2016 = "windows_server_2016"
    WINDOWS_SERVER_SAC = "windows_server_sac"
    WINDOWS_SERVER_2019 = "windows_server_2019"
    WINDOWS_SERVER_2022 = "windows_server_2022"
    WINDOWS_SERVER_2025 = "windows_server_2025"
    WINDOWS_HOME_SERVER_2011 = "windows_home_server_2011"
    WINDOWS_SMALL_BUSINESS_SERVER_2011 = "windows_small_business_server_2011"
    LINUX = "linux"

    def __repr__(self) -> str:
        return f"Product.{self.name}"

    @property
    def display_name(self) -> str:
        """Canonical English name, as the documentation spells it."""
        return _INFO[self][0]

    @property
    def label(self) -> str:
        """The display name (``str()``): :attr:`display_name`."""
        return _INFO[self][0]

    @property
    def family(self) -> OSFamily:
        """Client, server or Linux."""
        return _INFO[self][1]

    @property
    def nt_version(self) -> tuple[int, int] | None:
        """Windows NT (major, minor) version, or None for Linux."""
        version = _INFO[self][2]
        return None if self is Product.LINUX else version

    @property
    def is_hyperv_host(self) -> bool:
        """Whether this product can be a Hyper-V host that vmic knows."""
        return _INFO[self][3]


_FAMILY_BY_VALUE: Final = {family.value: family for family in OSFamily}
_INFO: Final[dict[Product, tuple[str, OSFamily, tuple[int, int], bool]]] = {
    Product(key): (name, _FAMILY_BY_VALUE[family], nt, host)
    for key, name, family, nt, host, _aliases in OS_ROWS
}

_LINUX: Final = Product.LINUX  # the one product of the Linux family (a test holds it)

#: Every product that can be a Hyper-V host vmic knows, oldest first.
HOSTS: Final = tuple(product for product in Product if product.is_hyperv_host)


def _check_distribution(instance: OperatingSystem, attribute: object, value: str | None) -> None:
    if value is not None and instance.product is not Product.LINUX:
        raise InvalidRecordError(
            field="distribution", value=value, reason="it is only meaningful for Linux"
        )


def _check_version(instance: OperatingSystem, attribute: object, value: str | None) -> None:
    if value is not None and instance.distribution is None:
        raise InvalidRecordError(
            field="distribution_version", value=value, reason="it needs a distribution"
        )


@attrs.frozen(cache_hash=True)
class OperatingSystem:
    """A host or guest operating system.

    Attributes:
        product: Which product.
        service_pack: Minimum service pack the text named (e.g. 1 for "SP 1"), if any.
        build: Build number, when known (from a KVP ``OSVersion`` or a version string).
        distribution: For Linux, the distribution as ``/etc/os-release`` ``ID`` names it
            (``"fedora"``, ``"rhel"``, ``"debian"``, ``"ubuntu"``, ``"sles"``...) when known.
        distribution_version: Its release (``VERSION_ID``: ``"12"``, ``"22.04"``, ``"9.4"``),
            when known.
    """

    product: Product = attrs.field(validator=attrs.validators.instance_of(Product))
    service_pack: int | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(
            [attrs.validators.instance_of(int), attrs.validators.ge(0), attrs.validators.le(9)]
        ),
    )
    build: int | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(
            [attrs.validators.instance_of(int), attrs.validators.ge(0)]
        ),
    )
    distribution: str | None = attrs.field(
        default=None,
        validator=[
            attrs.validators.optional(attrs.validators.in_(LINUX_IDS)),
            _check_distribution,
        ],
    )
    distribution_version: str | None = attrs.field(
        default=None,
        validator=[
            attrs.validators.optional(
                attrs.validators.matches_re(r"[0-9]{1,4}(?:\.[0-9]{1,4}){0,2}")
            ),
            _check_version,
        ],
    )

    @property
    def name(self) -> str:
        """Canonical English product name."""
        return self.product.display_name

    @property
    def family(self) -> OSFamily:
        """Client, server or Linux."""
        return self.product.family

    # The two questions every audited VM's OS is asked, more than once: a member read off
    # its enum class costs more than the question, so they compare with module names.
    @property
    def is_windows(self) -> bool:
        """True for every Windows product."""
        return self.product is not _LINUX

    @property
    def is_linux(self) -> bool:
        """True for Linux."""
        return self.product is _LINUX

    @property
    def is_hyperv_host(self) -> bool:
        """Whether the product can be a Hyper-V host vmic knows."""
        return self.product.is_hyperv_host

    def __str__(self) -> str:
        text = self.product.display_name
        if self.distribution is not None:
            release = f" {self.distribution_version}" if self.distribution_version else ""
            text += f" ({self.distribution}{release})"
        if self.service_pack:
            text += f" SP{self.service_pack}"
        if self.build is not None:
            text += f" (build {self.build})"
        return text

    def __repr__(self) -> str:
        return f"<OperatingSystem {cut(str(self), 80)}>"


@attrs.frozen
class _Grammar:
    """Compiled patterns and spelling tables, built on the first parse (keeps import cheap)."""

    service_pack: re.Pattern[str]
    build: re.Pattern[str]
    version: re.Pattern[str]
    noise: re.Pattern[str]
    non_key: re.Pattern[str]
    linux: re.Pattern[str]
    linux_release: re.Pattern[str]
    linux_ids: dict[str, str]
    by_spelling: dict[str, Product]
    server_by_build: dict[int, Product]

    def compact(self, text: str) -> str:
        """Reduce a name to its distinguishing letters and digits."""
        text = text.replace("home server", "homeserver").replace("small business server", "sbs")
        text = self.noise.sub(" ", text)
        return self.non_key.sub("", text).strip(".")


@functools.cache
def _grammar() -> _Grammar:
    grammar = _Grammar(
        service_pack=re.compile(r"\b(?:sp|service\s*pack)\s*(\d)\b"),
        build=re.compile(r"\bbuild\s*(\d{1,6})\b"),
        version=re.compile(r"\b(\d{1,2})\.(\d{1,2})(?:\.(\d{1,6}))?(?:\.\d+)?\b"),
        noise=re.compile(
            r"\b(?:microsoft|windows|server|hyper-v|hyperv|guests?|datacenter|standard|"
            r"enterprise|professional|pro|education|essentials|foundation|evaluation|ultimate|"
            r"starter|core|edition|ltsc|ltsb|iot|n|x64|x86|64-bit|32-bit|bit|for|workstations|"
            r"azure)\b"
        ),
        non_key=re.compile(r"[^0-9a-z.]+"),
        # One alternation, longest names first, so one search finds the distribution.
        linux=re.compile(
            r"\b(?:"
            + "|".join(
                re.escape(needle)
                for needle in sorted(
                    (*dict(LINUX_DISTRIBUTIONS), *dict(LINUX_CODENAMES)), key=len, reverse=True
                )
            )
            + r")\b"
        ),
        linux_release=re.compile(
            r"(?<![\w.])([0-9]{1,4}(?:\.[0-9]{1,4})?)(?:\.[0-9]{1,6})?(?![\w.])"
        ),
        linux_ids={**dict(LINUX_DISTRIBUTIONS), **dict(LINUX_CODENAMES)},
        by_spelling={},
        server_by_build={build: Product(key) for build, key in SERVER_BUILDS},
    )
    for key, name, _family, _nt, _host, aliases in OS_ROWS:
        product = Product(key)
        grammar.by_spelling[grammar.compact(name.lower())] = product
        grammar.by_spelling[key.replace("_", "")] = product
        for alias in aliases:
            grammar.by_spelling[grammar.compact(alias.lower())] = product
    return grammar


_CODENAMES: Final = dict(LINUX_CODENAMES)


def _linux(lowered: str, version: str | None) -> OperatingSystem | None:
    """A Linux distribution and its release named in *lowered*, or None."""
    grammar = _grammar()
    distribution: str | None = None
    codename: str | None = None
    end = 0
    for match in grammar.linux.finditer(lowered):
        found = match.group()
        if found in _CODENAMES:
            codename = codename or _CODENAMES[found]
        elif distribution is None:
            distribution, end = grammar.linux_ids[found], match.end()
    if distribution is None and not re.search(r"\blinux\b", lowered):
        return None
    if distribution is None:
        return OperatingSystem(Product.LINUX)
    release_match = grammar.linux_release.search(lowered, end)
    release = release_match.group(1) if release_match else codename
    if release is None and version is not None and version.count(".") < 2:
        # A KVP OSVersion of a Linux guest is the kernel (x.y.z): only a short one is a release.
        release = version if grammar.linux_release.fullmatch(version) else None
    return OperatingSystem(Product.LINUX, distribution=distribution, distribution_version=release)


def _from_version(
    lowered: str, major: int, minor: int, build: int | None
) -> tuple[Product | None, tuple[str, ...]]:
    """Pick a product from an NT version (and the words around it)."""
    server = "server" in lowered
    client = "windows" in lowered and not server
    candidates = [
        product
        for product in Product
        if product.nt_version == (major, minor) and product is not Product.WINDOWS_SERVER_SAC
    ]
    if (major, minor) == (10, 0) and build is not None:
        server_by_build = _grammar().server_by_build
        if server and build in server_by_build:
            return server_by_build[build], ()
        if client:
            return (
                Product.WINDOWS_11 if build >= WINDOWS_11_FIRST_BUILD else Product.WINDOWS_10
            ), ()
    if server:
        candidates = [p for p in candidates if p.family is OSFamily.WINDOWS_SERVER]
    elif client:
        candidates = [p for p in candidates if p.family is OSFamily.WINDOWS_CLIENT]
    if len(candidates) == 1:
        return candidates[0], ()
    return None, tuple(p.display_name for p in candidates)


def parse_os(text: str, *, version: str | None = None) -> OperatingSystem:
    """Read an operating system from the way people and tools write it.

    Accepted, case, spacing and punctuation insensitive:

    - the documentation's spellings: ``"Windows Server 2008 R2 (SP 1)"``,
      ``"Windows XP (SP 2, SP 3)"``, ``"Windows Server, Semi-Annual Channel"``,
      ``"Linux guests"`` (and the Italian ``"Guest Linux"``, ``"Canale semestrale"``);
    - short forms: ``"2012 R2"``, ``"ws2012r2"``, ``"win10"``, ``"Server 2016"``;
    - product captions: ``"Microsoft Windows Server 2012 R2 Datacenter"``;
    - guest KVP data: ``OSName`` as *text* and ``OSVersion`` as *version*
      (``parse_os("Windows Server Datacenter", version="10.0.17763")``), or both in one
      string. A Windows 10-family build number decides between Windows 10 and 11 and
      between the Server releases, since ``OSName`` does not always say;
    - Linux distribution names with their release (``"Ubuntu 22.04 LTS"``,
      ``"Red Hat Enterprise Linux 9"``, ``"Debian GNU/Linux 12 (bookworm)"``, ``"Fedora 41"``);
      the distribution is the ``/etc/os-release`` ``ID``. For Linux, *version* is a release
      only when it is no kernel version (``x.y.z``), as KVP ``OSVersion`` is.

    Args:
        text: The name to read.
        version: An ``OSVersion`` such as ``"10.0.17763"`` or ``"6.3.9600"``.

    Returns:
        The operating system, with service pack, build and distribution when given.

    Raises:
        UnknownOperatingSystemError: The text names no known product, or is ambiguous;
            the error lists close matches.
    """
    if not isinstance(text, str):
        raise UnknownOperatingSystemError(repr(text))
    # A fleet names a handful of systems, over and over: answers are immutable, so keep
    # them (errors are not kept; each bad text is read again and raises again).
    key = (text, version)
    try:
        return _parsed[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable version: let the reading report it
        return _parse_os(text, version)
    answer = _parse_os(text, version)
    if len(_parsed) >= _PARSED_LIMIT:
        _parsed.clear()
    _parsed[key] = answer
    return answer


_PARSED_LIMIT: Final = 4096
_parsed: dict[tuple[str, object], OperatingSystem] = {}


def _parse_os(text: str, version: str | None) -> OperatingSystem:
    lowered = " ".join(
        text.replace("\ufeff", "")
        .replace("®", " ")
        .replace("™", " ")
        .replace("(R)", " ")
        .replace("(TM)", " ")
        .lower()
        .split()
    )
    linux = _linux(lowered, None if version is None else str(version).strip())
    if linux is not None:
        return linux
    if version is not None:
        lowered = f"{lowered} {' '.join(str(version).lower().split())}".strip()

    grammar = _grammar()
    service_packs = [int(sp) for sp in grammar.service_pack.findall(lowered)]
    service_pack = min(service_packs) if service_packs else None
    without_sp = grammar.service_pack.sub(" ", lowered)
    build_match = grammar.build.search(without_sp)
    named_build = int(build_match.group(1)) if build_match else None
    without_sp = grammar.build.sub(" ", without_sp)

    build: int | None = None
    match = grammar.version.search(without_sp)
    if match is not None and match.group(3) is not None:
        major, minor, build = int(match.group(1)), int(match.group(2)), int(match.group(3))
        remainder = grammar.compact(without_sp[: match.start()] + " " + without_sp[match.end() :])
        product = grammar.by_spelling.get(remainder) if remainder else None
        if product is None:
            product, candidates = _from_version(without_sp, major, minor, build)
            if product is None:
                raise UnknownOperatingSystemError(text, candidates)
        elif product is Product.WINDOWS_10 and build >= WINDOWS_11_FIRST_BUILD:
            # Windows 11 still reports ProductName "Windows 10 ..." in the registry and KVP.
            product = Product.WINDOWS_11
        return OperatingSystem(product, service_pack=service_pack, build=build)

    key = grammar.compact(without_sp)
    product = grammar.by_spelling.get(key)
    if product is None:
        raise UnknownOperatingSystemError(text, _suggest(key))
    return OperatingSystem(product, service_pack=service_pack, build=named_build)


def _suggest(key: str) -> tuple[str, ...]:
    import difflib  # noqa: PLC0415 - only needed on the error path

    if not key:
        return ()
    names: dict[str, None] = {}
    by_spelling = _grammar().by_spelling
    for match in difflib.get_close_matches(key, list(by_spelling), n=6, cutoff=0.6):
        names.setdefault(by_spelling[match].display_name)
    return tuple(names)[:3]
