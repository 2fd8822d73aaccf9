"""Tests of the executor layer (vmic.executors)."""
