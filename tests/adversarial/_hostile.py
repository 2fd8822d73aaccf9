"""What the red team throws: hostile VM names, and labs whose VMs carry them.

Hyper-V names VMs freely: a name may hold newlines, terminal escapes, C1 controls, bidi
overrides, invisible characters and even an unpaired UTF-16 surrogate (a Windows string
is UTF-16; PowerShell remoting carries such a name to vmic intact). The simulated lab
refuses to *create* a VM whose name has no UTF-8 encoding (its own VM ids are derived
from the name's UTF-8), so :func:`rename` gives an existing simulated VM the name after
it is made: from then on the host reports it as a real one would.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from hypothesis import strategies as st

from vmic import IntegrationService
from vmic.render._escape import INVISIBLE
from vmic.testing import FakeHyperVHost, demo_lab

if TYPE_CHECKING:
    from vmic.testing import DemoLab, FakeVM

#: The forged line a VM name tries to print (a headline saying all is well).
FORGED: Final = "HV01 (Windows Server 2019): 9 VMs, 0 findings"

#: One VM name per class of hostile text, each seen in a reviewed defect.
NAMES: Final = (
    "vm\ud800",  # an unpaired surrogate: no UTF-8 encoding (issue 23, defect 1)
    "lone\udfffend",
    f"x\n{FORGED}",  # a forged line (issue 23, defect 8)
    "cr\rback",
    "esc\x1b[2J\x1b[31mred\x07bel",  # ESC, CSI, BEL
    "c1\x9b31mcsi",  # a C1 CSI
    "rlo\u202eexe.txt",  # right-to-left override
    "del\x7fname",
    "nel\x85line\u2028sep",
    "zero\u200bwidth\ufeffbom",
    "tag\U000e0041char",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://192.0.2.1")',
    'quote"back\\slash',
    "pipe|star*`tick`_under",
    "```",
)
#: Names that the lab can create as they are (every name above without a lone surrogate).
CREATABLE: Final = tuple(name for name in NAMES if not re.search("[\ud800-\udfff]", name))

# Every character the one sanitising policy spells out.
_RAW_TEXT: Final = re.compile(f"[{INVISIBLE}]")


def raw_characters(text: str) -> set[str]:
    """The invisible or control characters *text* holds raw, newlines excepted."""
    return {char for char in _RAW_TEXT.findall(text) if char != "\n"}


def rename(vm: FakeVM, name: str) -> None:
    """Give a simulated VM a name the lab would not create (see the module's notes)."""
    vm._name = name


def hostile_host(names: tuple[str, ...], *, twins: bool = False) -> FakeHyperVHost:
    """A host whose VMs carry *names*; each has Shutdown off (a finding) so it shows in tables.

    With *twins*, each name is given to two VMs (one healthy): Hyper-V allows it.
    """
    host = FakeHyperVHost("HV01")
    for index, name in enumerate(names):
        vm = host.add_vm(f"hostile-{index}", enabled=[IntegrationService.HEARTBEAT])
        rename(vm, name)
        if twins:
            rename(host.add_vm(f"twin-{index}"), name)
    host.settle()
    return host


def hostile_lab(names: tuple[str, ...] = NAMES) -> DemoLab:
    """The demo lab, its first host with one VM per name in *names* (each with a finding)."""
    lab = demo_lab()
    host = lab.hosts[0]
    for index, name in enumerate(names):
        vm = host.add_vm(f"hostile-{index}", enabled=[IntegrationService.HEARTBEAT])
        rename(vm, name)
    host.settle()
    return lab


# Every class of character above, as hypothesis draws them.
_PIECES: Final = st.sampled_from(
    [
        "\n",
        "\r",
        "\t",
        "\x00",
        "\x1b[31m",
        "\x07",
        "\x9b",
        "\x85",
        "\x7f",
        "\u202e",
        "\u2066",
        "\u200b",
        "\ufeff",
        "\u2028",
        "\U000e0041",
        "\ud800",
        "\udc00",
        "<",
        "&",
        '"',
        "'",
        "\\",
        "|",
        "`",
        "*",
        "=",
        "#",
        "{",
        "}",
        "%",
    ]
)


def vm_names() -> st.SearchStrategy[str]:
    """Hostile VM names: hostile pieces between plain text (never empty, no NUL)."""
    text = st.text(alphabet=st.characters(codec=None, exclude_characters="\x00"), max_size=6)
    parts = st.lists(st.one_of(_PIECES.filter(lambda piece: piece != "\x00"), text), max_size=6)
    return parts.map(lambda pieces: "vm" + "".join(pieces))
