"""Parsers for every output an administrator meets (filled in by the parser modules)."""
