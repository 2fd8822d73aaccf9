"""vmic's hypothesis strategies, and their registration through the entry point."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from hypothesis import given
from hypothesis import strategies as st

from vmic import HOSTS, OperatingSystem, OSFamily, UpdateRule
from vmic import strategies as vst


def test_entry_point_registers_types_in_a_fresh_interpreter() -> None:
    # A user's suite never imports vmic.strategies: the entry point must do it.
    code = textwrap.dedent(
        """
        import sys
        from hypothesis import given, settings, strategies as st
        import vmic
        assert "vmic.strategies" in sys.modules  # loaded by hypothesis' entry point
        seen = []
        @settings(max_examples=25, database=None)
        @given(st.from_type(vmic.OperatingSystem))
        def check(os):
            assert isinstance(os, vmic.OperatingSystem)
            seen.append(os)
        check()
        print(len(seen))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0


@given(st.from_type(UpdateRule))
def test_from_type_builds_update_rules(rule: UpdateRule) -> None:
    assert isinstance(rule, UpdateRule)
    assert rule.host.is_hyperv_host


@given(vst.operating_systems(hosts_only=True))
def test_hosts_only(os: OperatingSystem) -> None:
    assert os.product in HOSTS


@given(vst.operating_systems(family=OSFamily.LINUX))
def test_family_filter(os: OperatingSystem) -> None:
    assert os.is_linux
    assert os.service_pack is None
