"""Every ``vmic`` command, declared without loading what runs it.

The command table names each command with its one-line help and the function that adds
its options. ``vmic --help`` needs only the table; a command's options are built when
that command runs (or for its ``--help``, or for shell completion, which builds them
all), and its implementation module is imported by its handler when it is called. So
``vmic services`` loads neither the fleet, the history database nor the connection code.
To add a command: one row in :data:`COMMANDS`, one ``_name`` function here, and the
handler in its own ``vmic.cli._module``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

from vmic.cli._options import (
    LABS,
    MAX_WHOLE,
    add_connection_options,
    add_exit_zero_option,
    add_feature_option,
    concurrency,
    decimal_number,
    os_option,
    seconds,
    whole_number,
)
from vmic.cli._values import ExactValue, ExactValues
from vmic.render._tables import FORMATS

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

__all__ = [
    "AUDIT_TIMEOUT",
    "COMMANDS",
    "DEFAULT_CONCURRENCY",
    "MONITORING_PLUGIN",
    "Handler",
    "add_commands",
]

#: Hosts an audit asks at once unless the inventory or --concurrency says otherwise.
DEFAULT_CONCURRENCY: Final = 8
#: Seconds per host of an audit, guests included, unless the inventory or --timeout says.
AUDIT_TIMEOUT: Final = 120.0
#: The parser default that marks a monitoring plugin's command (``vmic check``): its usage
#: errors are UNKNOWN on stdout, exit status 3, not a usage error on stderr.
MONITORING_PLUGIN: Final = "monitoring_plugin"


class Handler:
    """A command's handler, named by module and function and imported when called."""

    __slots__ = ("function", "module")

    def __init__(self, module: str, function: str) -> None:
        self.module = module
        self.function = function

    def __call__(self, args: argparse.Namespace) -> int:
        run: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(self.module), self.function
        )
        return run(args)

    def __repr__(self) -> str:
        return f"Handler({self.module}:{self.function})"


def _formats(parser: argparse.ArgumentParser, *extra: str, default: object = "table") -> None:
    parser.add_argument(
        "--format", choices=(*FORMATS, *extra), default=default, dest="output_format"
    )


def _verbose_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="also say where each fact comes from (document revisions, pages, rows); "
        "JSON always has it",
    )


def _scripts(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "The scripts vmic sends to hosts and guests, each a file of the package that states "
        "its contract (parameters, sections printed, PowerShell version, cmdlets, WMI "
        "classes). 'vmic scripts show NAME' prints one exactly as it is sent, to review it or "
        "run it by hand."
    )
    parser.add_argument(
        "action", nargs="?", choices=("list", "show"), default="list", help="(default: list)"
    )
    parser.add_argument("name", nargs="?", help="the script to show (show only)")
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._scripts", "run"))


def _matrix(parser: argparse.ArgumentParser) -> None:
    parser.description = "Print the update matrix."
    os_option(parser, "host", help_text="only the table for this host (e.g. 'Server 2016')")
    parser.add_argument(
        "--supported-guests",
        action="store_true",
        help="print only the supported-guests tables of the newer hosts' pages",
    )
    _formats(parser)
    _verbose_sources(parser)
    parser.set_defaults(handler=Handler("vmic.cli._rules_commands", "_matrix"))


def _plan(parser: argparse.ArgumentParser) -> None:
    parser.description = "Plan the update of a guest's integration services on a host."
    os_option(parser, "host", required=True, help_text="the Hyper-V host OS (e.g. 'ws2012r2')")
    os_option(parser, "guest", required=True, help_text="the guest OS (e.g. 'Windows 7')")
    parser.add_argument("--vm-off", action="store_true", help="the VM is not running")
    parser.add_argument(
        "--data-exchange-disabled",
        action="store_true",
        help="Data Exchange is disabled on the host for this VM",
    )
    _formats(parser)
    _verbose_sources(parser)
    parser.set_defaults(handler=Handler("vmic.cli._rules_commands", "_plan"))


def _support(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Answer which integration features a guest (Linux/FreeBSD distribution and version, "
        "or Windows) can have on a host, from Microsoft's supported-guest pages."
    )
    os_option(parser, "host", required=True, help_text="the Hyper-V host OS")
    os_option(parser, "guest", required=True, help_text="the guest (e.g. 'Ubuntu 22.04')")
    _formats(parser)
    _verbose_sources(parser)
    parser.set_defaults(handler=Handler("vmic.cli._rules_commands", "_support"))


def _services(parser: argparse.ArgumentParser) -> None:
    parser.description = "List the integration services with their ids and names."
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._rules_commands", "_services"))


def _doctor(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Diagnose every VM of a Hyper-V host (or one VM): a verdict per service and feature, "
        "the cause of each problem in plain words, and the commands that fix it. Exit "
        "status: 0 all functioning, 1 findings, 2 usage error, 3 host unreachable."
    )
    add_connection_options(parser, guests=True)
    parser.add_argument(
        "--vm",
        action=ExactValue,
        help="only the VM with exactly this name (--vm=NAME for any name)",
    )
    add_feature_option(parser)
    _formats(parser, "html")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show the service table of healthy VMs too, what each finding breaks, and the "
        "sources behind the findings (JSON always has them)",
    )
    parser.add_argument(
        "--observations",
        metavar="FILE",
        help="diagnose observations saved by `vmic audit --save-observations` (contacts nothing)",
    )
    add_exit_zero_option(parser)
    parser.set_defaults(handler=Handler("vmic.cli._doctor", "_doctor"))


def _audit(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Diagnose every host of a TOML inventory concurrently (see docs/audit.md). Exit "
        "status: 0 all functioning, 1 findings, 2 usage error, 3 some hosts unreachable."
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--inventory",
        help="the inventory of hosts: TOML, or Ansible YAML (.yml) or INI (.ini); "
        "'-' reads it from stdin",
    )
    source.add_argument("--lab", choices=LABS, help="audit the embedded simulated lab")
    parser.add_argument(
        "--concurrency",
        type=concurrency,
        help=f"hosts asked at once (default: the inventory's, else {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        help=f"seconds per host, guests included (default: the inventory's, else "
        f"{AUDIT_TIMEOUT:g})",
    )
    add_feature_option(parser)
    _formats(parser, "html", "openmetrics")
    _limit_option(parser)
    _policy_option(
        parser,
        "judge every VM against a policy file: its compliance joins the "
        "report and, with --save, the history; non-compliance exits 1",
    )
    parser.add_argument(
        "--save", action="store_true", help="record the run in the history database"
    )
    _db_option(parser)
    parser.add_argument(
        "--output",
        metavar="PATH",
        help="write the report to PATH (atomically: a temporary file, then a rename) "
        "instead of stdout, e.g. for node_exporter's textfile collector",
    )
    parser.add_argument(
        "--save-observations",
        metavar="DIR",
        help="also write what each host and its guests reported to DIR/<host>.json, "
        "for `vmic doctor --observations FILE` later",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    _password_sources(parser, prompt=True)
    add_exit_zero_option(parser)
    parser.set_defaults(handler=Handler("vmic.cli._audit", "_audit"))


def _policy_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--policy", metavar="FILE", help=help_text)


def _password_sources(parser: argparse.ArgumentParser, *, prompt: bool) -> None:
    parser.add_argument(
        "--no-keyring", action="store_true", help="do not look for passwords in the keyring"
    )
    if prompt:
        parser.add_argument("--no-prompt", action="store_true", help="never ask for a password")


def _toggle(verb: str) -> Callable[[argparse.ArgumentParser], None]:
    def build(parser: argparse.ArgumentParser) -> None:
        parser.description = (
            f"{verb.capitalize()} integration services of the VMs with exactly these names "
            "(one change command per host for all of them), and verify the host setting "
            "afterwards."
        )
        add_connection_options(parser, guests=False)
        _vms_option(parser, required=True)
        parser.add_argument("services", nargs="+", metavar="SERVICE", help="service names")
        _formats(parser)
        parser.set_defaults(handler=Handler("vmic.cli._manage", "_toggle"), verb=verb)

    return build


def _vms_option(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--vm",
        required=required,
        action=ExactValues,
        dest="vms",
        metavar="NAME",
        help="a VM's exact name (repeatable; --vm=NAME for any name)",
    )


def _apply(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Set each named service on or off for the VMs with exactly these names; or, with "
        "--policy, bring every VM of the hosts to what a policy file asks (see "
        "docs/policy.md). Each host is read once and changed with one command for all its "
        "VMs, read back in the same round trip and verified; only the settings that differ "
        "are changed. With --policy, each VM and service is reported compliant, changed, "
        "would change (--check), not applicable (the guest cannot use it: never turned on) "
        "or failed; without --yes it asks on a terminal and refuses without one. Exit "
        "status: 0 compliant after the run, 1 pending (--check) or failed, 2 usage error "
        "or bad policy, 3 a host unreachable."
    )
    add_connection_options(parser, guests=True)
    parser.add_argument(
        "--inventory",
        help="with --policy: the hosts of this inventory (TOML, Ansible YAML or INI; '-': stdin)",
    )
    _limit_option(parser)
    _vms_option(parser, required=False)
    parser.add_argument(
        "--policy", metavar="FILE", help="a policy file (TOML, or YAML with vmic[ansible])"
    )
    parser.add_argument(
        "settings", nargs="*", metavar="SERVICE=on|off", help="desired setting per service"
    )
    parser.add_argument("--check", action="store_true", help="change nothing; show what would")
    parser.add_argument(
        "--yes", action="store_true", help="with --policy: do not ask before changing anything"
    )
    _formats(parser)
    add_exit_zero_option(parser)
    parser.set_defaults(handler=Handler("vmic.cli._manage", "_apply"))


def _policy(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Show what a policy file asks: its rules and digest, or, given hosts (--lab, "
        "--inventory or --host), the desired state it resolves to for each of their VMs "
        "(reads each host once; changes nothing). A bad policy is one line naming the "
        "file, the rule and the key, exit status 2."
    )
    parser.add_argument("action", choices=("show",), help="what to do with the policy")
    parser.add_argument("file", metavar="FILE", help="the policy file (TOML, or YAML)")
    add_connection_options(parser, guests=True)
    parser.add_argument(
        "--inventory", help="the hosts of this inventory (TOML, Ansible YAML or INI; '-': stdin)"
    )
    _limit_option(parser)
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._policy", "_show"))


def _guest(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Check this machine as a Hyper-V guest from inside it: hv_vmbus and hv_utils, each "
        "daemon with its service-manager state, and the fixes for this distribution. Exit "
        "status: 0 healthy, 1 findings, 2 bad usage."
    )
    _formats(parser)
    _verbose_sources(parser)
    parser.add_argument(
        "--timeout", type=seconds, default=120.0, help="seconds the check may run (default 120)"
    )
    add_exit_zero_option(parser)
    parser.set_defaults(handler=Handler("vmic.cli._guest", "_run"))


def _wait(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Wait (on the host, one command per VM) until each VM named shows its heartbeat, an "
        "IP address or a guest KVP item; on a timeout, say why. --timeout is how long to "
        "wait for them all. Exit status: 0 met, 1 timed out, 2 usage error, 3 host "
        "unreachable."
    )
    add_connection_options(parser, guests=True)
    parser.add_argument(
        "--vm",
        required=True,
        action=ExactValues,
        help="the VM's exact name (repeatable: waits for every VM named, all within "
        "--timeout; --vm=NAME for any name)",
    )
    parser.add_argument(
        "--for",
        required=True,
        dest="until",
        metavar="heartbeat|ip|ipv4|ipv6|kvp:KEY",
        help="what to wait for",
    )
    parser.add_argument("--prefix", default="", help="with ip: an address starting with this")
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._operations", "_wait"))


def _copy(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Copy a file from the Hyper-V host into the guest through Guest Service Interface "
        "(host to guest only: Copy-VMFile copies nothing back). Refuses while the service is "
        "off (Hyper-V's default) unless --enable-service, or while its guest side does not "
        "work. Exit status: 0 copied, 1 refused or failed, 2 usage error, 3 host unreachable."
    )
    add_connection_options(parser, guests=True)
    parser.add_argument("--vm", required=True, help="the VM's exact name")
    parser.add_argument("source", metavar="SOURCE", help="the file's path on the host")
    parser.add_argument("destination", metavar="DESTINATION", help="the path in the guest")
    parser.add_argument("--create-path", action="store_true", help="create missing directories")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.add_argument(
        "--enable-service",
        action="store_true",
        help="enable Guest Service Interface on the host if it is off",
    )
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._operations", "_copy"))


def _shutdown(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Shut the VM down through the Shutdown service (Stop-VM) and wait for Off within "
        "--timeout. --force asks with Stop-VM -Force, still a clean shutdown, which a locked "
        "guest or one with unsaved work cannot refuse. Refuses when the Shutdown service does "
        "not work, unless --turn-off, which turns the VM off (a power cut) only after the "
        "timeout, and says so. Exit status: 0 off, 1 refused or not off in time, 2 usage "
        "error, 3 host unreachable."
    )
    add_connection_options(parser, guests=True)
    parser.add_argument("--vm", required=True, help="the VM's exact name")
    parser.add_argument(
        "--force",
        action="store_true",
        help="Stop-VM -Force: shut down cleanly even a locked guest or one with unsaved work",
    )
    parser.add_argument(
        "--turn-off",
        action="store_true",
        help="turn the VM off (a power cut) after the timeout if it is still running",
    )
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._operations", "_shutdown"))


def _kvp(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Key-Value Pair Exchange items of the VMs with exactly these names: get (guest "
        "intrinsic, guest published, host sent), set (add or modify a host item) or remove; "
        "changes are made once every VM named passed the preflight, then read back and "
        "verified."
    )
    parser.add_argument("action", choices=("get", "set", "remove"))
    add_connection_options(parser, guests=False)
    parser.add_argument(
        "--vm",
        required=True,
        action=ExactValues,
        help="the VM's exact name (repeatable: every VM named; --vm=NAME for any name)",
    )
    parser.add_argument("--key", help="the item's key (required for set and remove)")
    parser.add_argument("--value", help="the item's value (required for set)")
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._kvp", "_kvp"))


def _db_option(parser: argparse.ArgumentParser, *, default: object = None) -> None:
    from vmic.history._store import DB_ENV, default_db_path  # noqa: PLC0415 - on use

    parser.add_argument(
        "--db",
        default=default,
        help=f"the history database (default: ${DB_ENV}, else {default_db_path()})",
    )


def _limit_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit",
        metavar="PATTERN",
        help="only these hosts of --inventory or --lab: an Ansible pattern of groups and "
        "hosts (hv*,berlin,!hv03)",
    )


def _history_action(parser: argparse.ArgumentParser) -> None:
    """The options ``history prune`` and ``history import`` share with ``history``.

    Given before the action (``vmic history --db X prune``) they hold too: the action's
    own defaults are suppressed, so they never reset what the command line said.
    """
    import argparse  # noqa: PLC0415 - only for its SUPPRESS marker

    _db_option(parser, default=argparse.SUPPRESS)
    _formats(parser, default=argparse.SUPPRESS)


def _history(parser: argparse.ArgumentParser) -> None:
    parser.description = "List the audits saved with `vmic audit --save`, oldest first."
    _db_option(parser)
    parser.add_argument("--host", help="only runs that audited this host")
    parser.add_argument("--vm", help="only runs that saw this VM")
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._history", "_list"))
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    prune = actions.add_parser(
        "prune",
        help="delete old runs",
        description="Delete old runs from the history, and say which (csv and json list them).",
    )
    _history_action(prune)
    from vmic.history._store import MAX_DAYS  # noqa: PLC0415 - on use

    prune.add_argument(
        "--keep",
        type=whole_number("a number of runs", 0, MAX_WHOLE),
        metavar="N",
        help="keep only the newest N runs",
    )
    prune.add_argument(
        "--older-than",
        type=decimal_number("a number of days", 0, MAX_DAYS),
        metavar="DAYS",
        help="delete runs older than DAYS days",
    )
    prune.set_defaults(handler=Handler("vmic.cli._history", "_prune"))
    merge = actions.add_parser(
        "import",
        help="copy in the runs of another history database",
        description="Merge another machine's history: runs this database lacks are copied "
        "in (matched by their UUID, so importing twice adds nothing); csv and json list "
        "them with the numbers they have here.",
    )
    _history_action(merge)
    merge.add_argument("other", metavar="OTHER.db", help="the history database to read")
    merge.set_defaults(handler=Handler("vmic.cli._history", "_import"))


def _diff(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Compare two saved audits (default: the last two; one RUN: that run against the "
        "latest). Exit status: 1 when something got worse, else 0."
    )
    _db_option(parser)
    parser.add_argument(
        "runs",
        nargs="*",
        type=whole_number("a run number", 1, MAX_WHOLE),
        metavar="RUN",
        help="run numbers (vmic history)",
    )
    _formats(parser)
    add_exit_zero_option(parser)
    parser.set_defaults(handler=Handler("vmic.cli._history", "_diff"))


def _check(parser: argparse.ArgumentParser) -> None:
    from vmic.fleet._monitoring import DEFAULT_CRITICAL_CAUSES  # noqa: PLC0415 - on use
    from vmic.rules._causes import Cause  # noqa: PLC0415

    parser.description = (
        "Audit the inventory and print one Monitoring Plugins status line with performance "
        "data. Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Thresholds are ranges "
        "([@]start:end) on the number of findings."
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--inventory", help="the inventory: TOML, Ansible YAML or INI ('-': from stdin)"
    )
    source.add_argument("--lab", choices=LABS, help="check the embedded simulated lab")
    _limit_option(parser)
    parser.add_argument(
        "-w", "--warning", default="0", help="WARNING when findings are outside (default 0)"
    )
    parser.add_argument(
        "-c", "--critical", help="CRITICAL when findings are outside this range (default: none)"
    )
    parser.add_argument(
        "--critical-cause",
        action="append",
        choices=[cause.value for cause in Cause],
        metavar="CAUSE",
        dest="critical_causes",
        help="a cause that is CRITICAL on its own (repeatable; default: "
        + ", ".join(cause.value for cause in DEFAULT_CRITICAL_CAUSES)
        + ")",
    )
    parser.add_argument(
        "--no-critical-causes",
        action="store_true",
        help="no cause is CRITICAL on its own; only the thresholds count",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per finding")
    _policy_option(parser, "WARNING (at least) when a VM does not comply with this policy file")
    parser.add_argument("--concurrency", type=concurrency, default=DEFAULT_CONCURRENCY)
    parser.add_argument("-t", "--timeout", type=seconds, help="seconds per host")
    add_feature_option(parser)
    _password_sources(parser, prompt=False)
    parser.set_defaults(handler=Handler("vmic.cli._check", "_check"), **{MONITORING_PLUGIN: True})


def _completion(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print a completion script for the shell: bash (source it, or save it as "
        "~/.local/share/bash-completion/completions/vmic), zsh (save it as _vmic in a "
        "directory on $fpath) or fish (save it as ~/.config/fish/completions/vmic.fish)."
    )
    parser.add_argument("shell", choices=("bash", "zsh", "fish"))
    parser.set_defaults(handler=Handler("vmic.cli._completion", "_completion"))


def _lab(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "The demo lab remembers what commands change in it (--lab demo), in a file in the "
        "user's state directory ($VMIC_STATE_DIR, else $XDG_STATE_HOME/vmic or "
        "~/.local/state/vmic). 'vmic lab show' lists the changes remembered; 'vmic lab "
        "reset' forgets them, so the lab is as built again."
    )
    parser.add_argument(
        "action", nargs="?", choices=("show", "reset"), default="show", help="(default: show)"
    )
    parser.add_argument("--lab", choices=LABS, default=LABS[0], help="the lab (default: demo)")
    _formats(parser)
    parser.set_defaults(handler=Handler("vmic.cli._lab", "_lab"))


def _fix(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Diagnose, then run the fixes the policy allows (host settings and guest services; "
        "package installs with --allow-install; guest restarts with --allow-restart), then "
        "diagnose again and show each finding before -> after. Manual steps are listed, never "
        "attempted. Exit status: 0 all resolved, 1 findings remain, 2 usage error or no --yes "
        "without a terminal, 3 host unreachable."
    )
    add_connection_options(parser, guests=True)
    parser.add_argument(
        "--inventory", help="the inventory of hosts: TOML, or Ansible YAML (.yml) or INI (.ini)"
    )
    _limit_option(parser)
    parser.add_argument(
        "--vm", action=ExactValue, help="only the VM with exactly this name (--vm=NAME for any)"
    )
    add_feature_option(parser)
    parser.add_argument("--check", action="store_true", help="change nothing; show what would run")
    parser.add_argument(
        "--allow-install", action="store_true", help="install or update packages in guests"
    )
    parser.add_argument(
        "--allow-restart", action="store_true", help="allow steps after which a guest restarts"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask before changing anything")
    _formats(parser)
    add_exit_zero_option(parser)
    parser.set_defaults(handler=Handler("vmic.cli._fix", "run"))


#: Every command: name, one-line help, the function that adds its options.
COMMANDS: Final[tuple[tuple[str, str, Callable[[argparse.ArgumentParser], None]], ...]] = (
    ("matrix", "the host x guest update matrix", _matrix),
    ("plan", "how to update a guest's integration services", _plan),
    ("support", "which integration features a guest can have on a host", _support),
    ("services", "the integration service catalog", _services),
    ("doctor", "diagnose a host's integration services", _doctor),
    ("audit", "audit many hosts from an inventory", _audit),
    ("enable", "enable integration services of VMs on their hosts", _toggle("enable")),
    ("disable", "disable integration services of VMs on their hosts", _toggle("disable")),
    ("apply", "bring VMs' host settings to a desired state, or to a policy", _apply),
    ("policy", "show a policy file and the desired state it asks of each VM", _policy),
    ("guest", "diagnose this Linux machine as a Hyper-V guest", _guest),
    ("wait", "wait for a VM's heartbeat, an address or a KVP item", _wait),
    ("copy", "copy a file from the host into a VM's guest (Copy-VMFile)", _copy),
    ("shutdown", "shut a VM down cleanly through its guest", _shutdown),
    ("kvp", "read, set or remove Data Exchange (KVP) items of a VM on its host", _kvp),
    ("history", "list saved audits (vmic audit --save), prune or import them", _history),
    ("diff", "what changed between two saved audits", _diff),
    ("check", "audit as a Nagios/Icinga/Checkmk plugin", _check),
    ("fix", "apply the diagnosis's fixes and check they worked", _fix),
    ("scripts", "the scripts vmic sends, to review or run by hand", _scripts),
    ("lab", "what the demo lab remembers: show it, or reset the lab", _lab),
    ("completion", "print a shell completion script (bash, zsh, fish)", _completion),
)


def add_commands(
    commands: argparse._SubParsersAction[Any],
    *,
    only: str | None = None,
    add_globals: Callable[[argparse.ArgumentParser], None] | None = None,
) -> None:
    """Add every command to the parser; build options only for *only* (None: for all).

    Args:
        commands: The ``vmic`` parser's subparsers.
        only: The command about to run: the others are listed (for ``--help`` and
            "invalid choice") without their options. None builds every command whole.
        add_globals: Adds the global options to a command's parser, so that they are
            accepted after the command too.
    """
    for name, summary, build in COMMANDS:
        parser = commands.add_parser(name, help=summary, description=summary)
        if only is None or name == only:
            if add_globals is not None:
                add_globals(parser)
            build(parser)
