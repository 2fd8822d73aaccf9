"""Tests of connecting to hosts and guests (vmic.connect)."""
