"""Strategies for vmic's closed vocabularies (enums)."""

from __future__ import annotations

from hypothesis import strategies as st

from vmic.model._operating_system import HOSTS, OSFamily, Product
from vmic.model._services import GuestOnlyService, IntegrationService
from vmic.model._status import OperationalStatus, StartType, WindowsServiceStatus
from vmic.rules._causes import Cause
from vmic.rules._features import Feature

# --- Vocabularies ---------------------------------------------------------------------------


def products(
    *, hosts_only: bool = False, family: OSFamily | None = None
) -> st.SearchStrategy[Product]:
    """Operating-system products (optionally only Hyper-V hosts, or one family)."""
    choices = [
        p for p in (HOSTS if hosts_only else tuple(Product)) if family is None or p.family is family
    ]
    return st.sampled_from(choices)


def integration_services() -> st.SearchStrategy[IntegrationService]:
    """The six host-visible integration services."""
    return st.sampled_from(IntegrationService)


def guest_only_services() -> st.SearchStrategy[GuestOnlyService]:
    """The guest-only Windows services (PowerShell Direct, Remote Desktop Virtualization)."""
    return st.sampled_from(GuestOnlyService)


def operational_statuses() -> st.SearchStrategy[OperationalStatus]:
    """Every ``VMIntegrationComponentOperationalStatus``."""
    return st.sampled_from(OperationalStatus)


def windows_service_statuses() -> st.SearchStrategy[WindowsServiceStatus]:
    """Every Windows service status."""
    return st.sampled_from(WindowsServiceStatus)


def start_types() -> st.SearchStrategy[StartType]:
    """Every Windows service start type."""
    return st.sampled_from(StartType)


def features() -> st.SearchStrategy[Feature]:
    """Every feature users want from integration services."""
    return st.sampled_from(Feature)


def causes() -> st.SearchStrategy[Cause]:
    """Every cause the diagnosis can name."""
    return st.sampled_from(Cause)
