"""parse_os reads the specification's spellings, short forms, captions and KVP data."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from vmic import (
    HOSTS,
    OperatingSystem,
    OSFamily,
    Product,
    UnknownOperatingSystemError,
    VmicError,
    parse_os,
    strategies as vst,
)

SPELLINGS = [
    ("Windows Server 2008 R2 (SP 1)", Product.WINDOWS_SERVER_2008_R2, 1),
    ("Windows XP (SP 2, SP 3)", Product.WINDOWS_XP, 2),
    ("Windows Server, Semi-Annual Channel", Product.WINDOWS_SERVER_SAC, None),
    ("Windows Server, Canale semestrale", Product.WINDOWS_SERVER_SAC, None),
    ("Linux guests", Product.LINUX, None),
    ("Guest Linux", Product.LINUX, None),
    ("2012 R2", Product.WINDOWS_SERVER_2012_R2, None),
    ("ws2012r2", Product.WINDOWS_SERVER_2012_R2, None),
    ("Windows Server 2012R2", Product.WINDOWS_SERVER_2012_R2, None),
    ("win10", Product.WINDOWS_10, None),
    ("Server 2016", Product.WINDOWS_SERVER_2016, None),
    ("Microsoft Windows Server 2012 R2 Datacenter", Product.WINDOWS_SERVER_2012_R2, None),
    ("Microsoft® Windows Server® 2008 Enterprise Service Pack 2", Product.WINDOWS_SERVER_2008, 2),
    ("  windows   VISTA (sp 2) ", Product.WINDOWS_VISTA, 2),
    ("Windows Small Business Server 2011", Product.WINDOWS_SMALL_BUSINESS_SERVER_2011, None),
    ("Windows Home Server 2011", Product.WINDOWS_HOME_SERVER_2011, None),
    ("Windows Server 2003 R2 (SP 2)", Product.WINDOWS_SERVER_2003_R2, 2),
    ("Hyper-V Server 2019", Product.WINDOWS_SERVER_2019, None),
    ("Windows 8.1 Pro", Product.WINDOWS_8_1, None),
    ("Windows 11 Enterprise", Product.WINDOWS_11, None),
    ("Windows Server 2025 Datacenter", Product.WINDOWS_SERVER_2025, None),
]


@pytest.mark.parametrize(("text", "product", "service_pack"), SPELLINGS)
def test_spellings(text: str, product: Product, service_pack: int | None) -> None:
    parsed = parse_os(text)
    assert parsed.product is product
    assert parsed.service_pack == service_pack


@pytest.mark.parametrize(
    ("name", "version", "product", "build"),
    [
        ("Windows Server 2019 Datacenter", "10.0.17763", Product.WINDOWS_SERVER_2019, 17763),
        ("Windows Server Datacenter", "10.0.17763", Product.WINDOWS_SERVER_2019, 17763),
        ("Windows Server Standard", "10.0.20348", Product.WINDOWS_SERVER_2022, 20348),
        ("Windows Server Datacenter", "10.0.18363", Product.WINDOWS_SERVER_SAC, 18363),
        # Windows 11 still calls itself "Windows 10" in ProductName; the build decides.
        ("Windows 10 Enterprise", "10.0.22631", Product.WINDOWS_11, 22631),
        ("Windows 10 Pro", "10.0.19045", Product.WINDOWS_10, 19045),
        ("Windows 7 Professional", "6.1.7601", Product.WINDOWS_7, 7601),
        ("Windows Server 2012 R2 Standard", "6.3.9600", Product.WINDOWS_SERVER_2012_R2, 9600),
        ("Windows Server Standard", "6.3.9600", Product.WINDOWS_SERVER_2012_R2, 9600),
    ],
)
def test_kvp_name_and_version(name: str, version: str, product: Product, build: int) -> None:
    parsed = parse_os(name, version=version)
    assert (parsed.product, parsed.build) == (product, build)
    assert parse_os(f"{name} {version}") == parsed


@pytest.mark.parametrize(
    ("text", "distribution"),
    [
        ("Ubuntu 22.04.3 LTS", "ubuntu"),
        ("Debian GNU/Linux 12 (bookworm)", "debian"),
        ("Red Hat Enterprise Linux 9.2", "rhel"),
        ("CentOS Linux 7", "centos"),
        ("Fedora Linux 41 (Server Edition)", "fedora"),
        ("SUSE Linux Enterprise Server 15 SP5", "sles"),
        ("Arch Linux", "arch"),
        ("linux", None),
    ],
)
def test_linux_distributions(text: str, distribution: str | None) -> None:
    parsed = parse_os(text)
    assert parsed.product is Product.LINUX
    assert parsed.distribution == distribution
    assert parsed.is_linux
    assert not parsed.is_windows


def test_unknown_text_suggests_close_names() -> None:
    with pytest.raises(UnknownOperatingSystemError) as caught:
        parse_os("Windows Srever 2016")
    assert "Windows Server 2016" in caught.value.suggestions
    assert "did you mean 'Windows Server 2016'" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_an_nt_version_alone_is_ambiguous_and_says_between_what() -> None:
    with pytest.raises(UnknownOperatingSystemError) as caught:
        parse_os("6.3.9600")
    assert set(caught.value.suggestions) == {"Windows 8.1", "Windows Server 2012 R2"}


@pytest.mark.parametrize("bad", ["", "   ", "banana", "Windows 95", "Server 2030", "\x00"])
def test_garbage_is_an_error(bad: str) -> None:
    with pytest.raises(UnknownOperatingSystemError):
        parse_os(bad)


def test_non_text_is_an_error() -> None:
    with pytest.raises(UnknownOperatingSystemError):
        parse_os(2016)  # type: ignore[arg-type]


@given(st.text())
def test_any_text_is_an_os_or_a_vmic_error(text: str) -> None:
    try:
        result: object = parse_os(text)
    except VmicError as error:
        result = error
    assert isinstance(result, OperatingSystem | UnknownOperatingSystemError)


@given(vst.operating_systems())
def test_str_round_trips(os: OperatingSystem) -> None:
    again = parse_os(str(os))
    assert again.product is os.product
    if os.product is not Product.LINUX:
        assert again.service_pack == (os.service_pack or None)


def test_hosts_are_the_documented_ones() -> None:
    assert {p.display_name for p in HOSTS} == {
        "Windows 8",
        "Windows 8.1",
        "Windows 10",
        "Windows 11",
        "Windows Server 2012",
        "Windows Server 2012 R2",
        "Windows Server 2016",
        "Windows Server 2019",
        "Windows Server 2022",
        "Windows Server 2025",
    }


def test_model_validation() -> None:
    with pytest.raises(ValueError, match="distribution"):
        OperatingSystem(Product.WINDOWS_10, distribution="ubuntu")
    with pytest.raises(ValueError, match="service_pack"):
        OperatingSystem(Product.WINDOWS_7, service_pack=12)
    assert OperatingSystem(Product.WINDOWS_SERVER_2016).family is OSFamily.WINDOWS_SERVER
    assert Product.LINUX.nt_version is None
    assert Product.WINDOWS_8_1.nt_version == (6, 3)


def test_freebsd_guests_carry_their_id_and_release() -> None:
    # Hyper-V's pages list FreeBSD beside the Linux distributions; its daemons are in the base
    # system, and the facts and the support tables are keyed by the os-release-style ID.
    guest = parse_os("FreeBSD 14.1")
    assert (guest.distribution, guest.distribution_version) == ("freebsd", "14.1")
    assert guest.is_linux  # a Linux-or-FreeBSD guest: integration services built in


@pytest.mark.parametrize("product", list(Product))
def test_windows_or_linux_is_the_products_family(product: Product) -> None:
    # is_windows and is_linux compare with the one Linux product: every other product
    # is of a Windows family, Linux alone of the Linux family.
    os = OperatingSystem(product)
    assert os.is_linux == (product.family is OSFamily.LINUX)
    assert os.is_windows == (product.family is not OSFamily.LINUX)
