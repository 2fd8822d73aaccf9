"""``vmic scripts``: the scripts vmic sends, listed, or one printed exactly as it is sent.

An administrator can review a script before vmic runs it on a host, or run it by hand:
every value it needs is a variable it reads (``$VMName``...), set first, as vmic does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from vmic.cli._render import emit, render_records
from vmic.errors import ConfigurationError

if TYPE_CHECKING:
    import argparse

__all__ = ["run"]

_COLUMNS: Final = ("script", "runs_on", "powershell", "parameters", "sections")


def _rows() -> list[dict[str, Any]]:
    from vmic.clients import scripts  # noqa: PLC0415 - loaded on use

    rows = []
    for name, script in scripts().items():
        contract = script.contract
        rows.append(
            {
                "script": name,
                "runs_on": contract.runs_on,
                "shell": contract.shell.value,
                "powershell": None if contract.powershell is None else str(contract.powershell),
                "parameters": list(contract.parameters),
                "sections": list(contract.sections),
                "errors": list(contract.errors),
                "cmdlets": list(contract.cmdlets),
                "commands": list(contract.commands),
                "wmi": list(contract.wmi),
                "file": script.path,
                "description": contract.description,
            }
        )
    return rows


def run(args: argparse.Namespace) -> int:
    """List the scripts, or print one (``vmic scripts show NAME``)."""
    if args.action == "show":
        from vmic.clients import script  # noqa: PLC0415 - loaded on use

        if args.name is None:
            msg = "vmic scripts show needs the name of a script (vmic scripts lists them)"
            raise ConfigurationError(msg)
        # Exactly the text sent: a script's own characters are its own, not to be escaped.
        emit(script(args.name).text, rendered=True)
        return 0
    if args.name is not None:
        raise ConfigurationError(f"vmic scripts list takes no name (got {args.name!r})")
    rows = _rows()
    if args.output_format == "json":
        from vmic.render import json_text  # noqa: PLC0415 - JSON only
        from vmic.schemas import SCHEMA_VERSION  # noqa: PLC0415 - JSON only

        emit(json_text({"schema_version": SCHEMA_VERSION, "rows": rows}) + "\n", rendered=True)
        return 0
    shown = [
        {
            **row,
            "powershell": row["powershell"] or "-",
            "parameters": ", ".join(row["parameters"]) or "-",
            "sections": ", ".join(row["sections"]),
        }
        for row in rows
    ]
    emit(render_records(shown, _COLUMNS, args.output_format), rendered=True)
    return 0
