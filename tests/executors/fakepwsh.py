"""A stand-in for ``pwsh`` that records what it was given and answers like PowerShell.

It writes its command line, standard input and the decoded script to a JSON
file, prints ``ran ✓``, echoes every script line to stderr the way PowerShell
echoes a failing source line (literals included), and exits with the number
of the script's last ``exit N`` line, if any.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

_TEMPLATE = """#!{python}
import base64, json, re, sys
data = sys.stdin.buffer.read()
script = base64.b64decode(b"".join(data.split())).decode("utf-8")
with open({log!r}, "w", encoding="utf-8") as log:
    json.dump({{"argv": sys.argv, "stdin": data.decode("ascii"), "script": script,
               "cmdline": open("/proc/self/cmdline", "rb").read().decode("utf-8", "replace")}}, log)
sys.stdout.write("ran \\u2713\\n")
for number, line in enumerate(script.splitlines(), 1):
    sys.stderr.write(f"At line:{{number}} char:1\\n+ {{line}}\\n")
codes = re.findall(r"^exit (\\d+)$", script, re.MULTILINE)
sys.exit(int(codes[-1]) if codes else 0)
"""


def install_fake_pwsh(path: Path, log: Path) -> Path:
    """Write the stand-in to *path* (executable); it records into *log*."""
    path.write_text(_TEMPLATE.format(python=sys.executable, log=str(log)))
    path.chmod(0o755)
    return path
