"""Strategies for the Linux records guests report."""

from __future__ import annotations

from typing import Final

from hypothesis import strategies as st

from vmic.model._linux import all_packaging
from vmic.model._linux_records import (
    MAX_PID,
    MAX_SIZE,
    CommandList,
    KvpRecord,
    LoadedModule,
    ModuleList,
    ProcessRecord,
    PsFormat,
    SystemdUnit,
    UnitActiveState,
    UnitFileState,
    UnitLoadState,
    module_name,
)

# --- Linux records --------------------------------------------------------------------------

_HYPERV_MODULES: Final = (
    "hv_utils",
    "hv_vmbus",
    "hv_balloon",
    "hv_netvsc",
    "hv_storvsc",
    "hyperv_keyboard",
    "hid_hyperv",
    "hyperv_fb",
    "hyperv_drm",
)


def _module_names() -> st.SearchStrategy[str]:
    return st.sampled_from(_HYPERV_MODULES) | st.from_regex(
        r"[A-Za-z0-9_][A-Za-z0-9_-]{0,24}", fullmatch=True
    )


def loaded_modules() -> st.SearchStrategy[LoadedModule]:
    """Modules as ``lsmod`` lists them; see :func:`module_lists` for a whole listing."""
    return st.builds(
        LoadedModule,
        _module_names(),
        st.integers(0, MAX_SIZE),
        st.none() | st.integers(0, MAX_PID),
        st.lists(_module_names(), max_size=4).map(tuple),
    )


def module_lists(*, max_size: int = 8) -> st.SearchStrategy[ModuleList]:
    """Module listings, no module twice.

    They round-trip through ``format_lsmod`` and ``parse_lsmod``.

    Args:
        max_size: The most modules a listing holds.
    """
    modules = st.lists(loaded_modules(), unique_by=lambda m: module_name(m.name), max_size=max_size)
    return modules.map(lambda found: ModuleList(tuple(found)))


def _words() -> st.SearchStrategy[str]:
    # One column of ps: printable, without whitespace.
    return st.text(
        st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufeff"),
        min_size=1,
        max_size=10,
    ).filter(lambda s: not any(c.isspace() for c in s))


def _command_lines() -> st.SearchStrategy[str]:
    free = (
        st.text(
            st.characters(
                exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                exclude_characters="\ufeff",
                include_characters="\t",
            ),
            min_size=1,
            max_size=40,
        )
        .map(str.strip)
        .filter(bool)
    )
    daemons = sorted({d for p in all_packaging() for d in p.daemons.values()})
    known = st.sampled_from(
        [
            "[hv_vmbus_con]",
            "[hv_balloon]",
            "/usr/lib/linux-tools/3.13.0-32-generic/hv_kvp_daemon",
            "/usr/sbin/hypervvssd -n",
            "grep --color=auto hv",
            *(f"/usr/sbin/{daemon} -n" for daemon in daemons),
        ]
    )
    return free | known


def process_records(*, layout: PsFormat = PsFormat.PROCPS) -> st.SearchStrategy[ProcessRecord]:
    """``ps`` lines of one layout, Hyper-V daemons and kernel threads among them.

    They round-trip through ``format_ps(..., layout=layout)`` and
    ``parse_ps(text, keep_grep=True)`` (BSD and BusyBox listings need their header).

    Args:
        layout: procps ``ps -ef`` (the default), FreeBSD's or BusyBox's ``ps``.
    """
    pid = st.integers(0, MAX_PID)
    if layout is PsFormat.BSD:
        return st.builds(
            ProcessRecord,
            user=st.none(),
            pid=pid,
            ppid=st.none(),
            start=st.none(),
            tty=st.sampled_from(["-", "v0", "u0"]) | _words(),
            time=st.from_regex(r"[0-9]{1,9}:[0-5][0-9][.,][0-9]{2}", fullmatch=True),
            command=_command_lines(),
            cpu=st.none(),
            state=st.sampled_from(["Ss", "I", "R+", "ILs", "DL"]) | _words(),
        )
    if layout is PsFormat.BUSYBOX:
        return st.builds(
            ProcessRecord,
            user=st.sampled_from(["root", "chrony"]) | _words(),
            pid=pid,
            ppid=st.none(),
            start=st.none(),
            tty=st.none(),
            time=st.from_regex(r"[0-9]{1,9}:[0-5][0-9]", fullmatch=True),
            command=_command_lines(),
            cpu=st.none(),
        )
    return st.builds(
        ProcessRecord,
        user=st.sampled_from(["root", "daemon"]) | _words(),
        pid=pid,
        ppid=st.integers(0, MAX_PID),
        start=_words(),
        tty=st.just("?") | _words(),
        time=st.from_regex(r"(?:[0-9]{1,9}-)?[0-9]{2,9}:[0-5][0-9]:[0-5][0-9]", fullmatch=True),
        command=_command_lines(),
        cpu=st.integers(0, MAX_PID),
    )


def command_lists() -> st.SearchStrategy[CommandList]:
    """``compgen -c`` listings; they round-trip through ``format_compgen`` and ``parse_compgen``."""
    daemons = sorted({d for p in all_packaging() for d in p.daemons.values()})
    free = (
        st.text(
            st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufeff"),
            min_size=1,
            max_size=20,
        )
        .map(str.strip)
        .filter(bool)
    )
    names = st.lists(st.sampled_from(daemons) | free, max_size=10)
    return names.map(lambda found: CommandList(tuple(found)))


def _unit_names() -> st.SearchStrategy[str]:
    units = sorted({u for p in all_packaging() for u in p.units.values()})
    return st.sampled_from(units) | st.from_regex(r"[A-Za-z0-9:_.\\@-]{1,30}", fullmatch=True)


def _sub_states() -> st.SearchStrategy[str]:
    return st.sampled_from(["running", "dead", "exited", "failed"]) | st.from_regex(
        r"[a-z][a-z0-9-]{0,15}", fullmatch=True
    )


def _descriptions() -> st.SearchStrategy[str]:
    return st.text(
        st.characters(
            exclude_categories=("Cc", "Cs", "Zl", "Zp"),
            exclude_characters="\ufeff",
            include_characters="\t",
        ),
        max_size=40,
    )


def systemd_units() -> st.SearchStrategy[SystemdUnit]:
    """``systemctl show`` blocks.

    They round-trip through ``format_systemctl_show`` and ``parse_systemctl_show``.
    """
    return st.builds(
        SystemdUnit,
        name=_unit_names(),
        load_state=st.sampled_from(UnitLoadState),
        active_state=st.sampled_from(UnitActiveState),
        sub_state=_sub_states(),
        unit_file_state=st.none() | st.sampled_from(UnitFileState),
        main_pid=st.none() | st.integers(1, MAX_PID),
        description=_descriptions(),
    )


_KVP_ITEM_NAMES: Final = (
    "FullyQualifiedDomainName",
    "IntegrationServicesVersion",
    "NetworkAddressIPv4",
    "NetworkAddressIPv6",
    "OSBuildNumber",
    "OSName",
    "OSVersion",
    "ProcessorArchitecture",
    "HostName",
    "VirtualMachineName",
)


def kvp_records() -> st.SearchStrategy[KvpRecord]:
    """KVP pool records; they round-trip through ``format_kvp_pool`` and ``parse_kvp_pool``."""
    # Anything UTF-8 encodes except the NUL that ends a field. At most 4 bytes a character:
    # 127 characters always fit a key's 511 bytes, 511 characters a value's 2047.
    chars = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")
    return st.builds(
        KvpRecord,
        key=st.sampled_from(_KVP_ITEM_NAMES) | st.text(chars, max_size=127),
        value=st.text(chars, max_size=511),
    )
