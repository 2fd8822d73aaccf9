"""The Linux time posture's fast constructor builds what the checked one builds."""

from __future__ import annotations

from hypothesis import given, strategies as st

from vmic.model._time_sync import LinuxTimeSync

_LINES = st.lists(st.text(max_size=8), max_size=3).map(tuple)


@given(st.booleans(), _LINES, _LINES, _LINES)
def test_the_parsed_posture_is_the_checked_one(
    ptp: bool,
    chrony: tuple[str, ...],
    timesyncd: tuple[str, ...],
    daemons: tuple[str, ...],
) -> None:
    checked = LinuxTimeSync(ptp_hyperv=ptp, chrony=chrony, timesyncd=timesyncd, daemons=daemons)
    parsed = LinuxTimeSync._parsed(ptp, chrony, timesyncd, daemons)
    assert parsed == checked
    assert repr(parsed) == repr(checked)
    assert hash(parsed) == hash(checked)
    assert (parsed.ptp_refclock, parsed.network_source) == (
        checked.ptp_refclock,
        checked.network_source,
    )
