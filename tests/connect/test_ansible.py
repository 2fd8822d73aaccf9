"""Ansible inventories (YAML and INI) as ``vmic audit`` input, and ``--limit``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from tests._cli import in_process
from vmic.connect._ansible import parse_ansible_ini, parse_ansible_yaml
from vmic.connect._sources import load_inventory_limited
from vmic.fleet import InventoryError, load_inventory, parse_inventory

if TYPE_CHECKING:
    from pathlib import Path

TOML = """
[defaults]
transport = "psrp"
username = 'CONTOSO\\vmic-audit'
password_env = "VMIC_SITE_PASSWORD"

[[hosts]]
name = "hv01.example.test"
address = "192.0.2.10"
ca_bundle = "/etc/pki/site-ca.pem"

[[hosts]]
name = "hv02.example.test"
port = 5985
use_tls = false
ca_bundle = "/etc/pki/site-ca.pem"
auth = "kerberos"

[[hosts]]
name = "hv-branch.example.test"
address = "192.0.2.5"
transport = "ssh"
username = "hvadmin"
port = 2222
ssh_keys = ["~/.ssh/vmic"]
known_hosts = "~/.ssh/known_hosts"

[hosts.guests]
windows = "powershell_direct"
username = "Administrator"
"""

YAML = """
all:
  vars:
    ansible_connection: psrp
    ansible_user: CONTOSO\\vmic-audit
    vmic_password_env: VMIC_SITE_PASSWORD
    os_family: windows   # not vmic's: ignored
  children:
    hyperv:
      children:
        site_a:
          hosts:
            hv01.example.test:
              ansible_host: 192.0.2.10
            hv02.example.test:
              ansible_port: 5985
              ansible_psrp_protocol: http
              ansible_psrp_auth: kerberos
          vars:
            ansible_psrp_ca_cert: /etc/pki/site-ca.pem
            ansible_psrp_cert_validation: validate
        branch:
          hosts:
            hv-branch.example.test:
              ansible_host: 192.0.2.5
              ansible_connection: ssh
              ansible_user: hvadmin
              ansible_port: 2222
              ansible_ssh_private_key_file: ~/.ssh/vmic
              vmic_known_hosts: ~/.ssh/known_hosts
              vmic_guests_windows: powershell_direct
              vmic_guests_username: Administrator
"""

_BRANCH = " ".join(
    (
        "hv-branch.example.test",
        "ansible_host=192.0.2.5",
        "ansible_connection=ssh",
        "ansible_user=hvadmin",
        "ansible_port=2222",
        "ansible_ssh_private_key_file=~/.ssh/vmic",
        "vmic_known_hosts=~/.ssh/known_hosts",
        "vmic_guests_windows=powershell_direct",
        "vmic_guests_username=Administrator",
    )
)

INI = """
# The same estate, in Ansible's INI form.
[site_a]
hv01.example.test ansible_host=192.0.2.10
hv02.example.test ansible_port=5985 ansible_psrp_protocol=http ansible_psrp_auth=kerberos

[site_a:vars]
ansible_psrp_ca_cert=/etc/pki/site-ca.pem

[branch]
{branch}

[hyperv:children]
site_a
branch

[all:vars]
ansible_connection=psrp
ansible_user=CONTOSO\\vmic-audit
vmic_password_env=VMIC_SITE_PASSWORD
""".replace("{branch}", _BRANCH)


def test_yaml_and_ini_load_the_same_hosts_as_toml(tmp_path: Path) -> None:
    expected = parse_inventory(TOML).hosts
    assert parse_ansible_yaml(YAML).inventory.hosts == expected
    assert parse_ansible_ini(INI).inventory.hosts == expected
    for name, text in (("hosts.yml", YAML), ("hosts.yaml", YAML), ("hosts.ini", INI)):
        path = tmp_path / name
        path.write_text(text)
        assert load_inventory(path).hosts == expected
        assert load_inventory(path).source == str(path)
    # The hosts become the same audit targets.
    assert [t.name for t in load_inventory(tmp_path / "hosts.ini").targets()] == [
        e.name for e in expected
    ]


def test_groups_and_children(tmp_path: Path) -> None:
    groups = parse_ansible_yaml(YAML).groups
    assert groups["site_a"] == ("hv01.example.test", "hv02.example.test")
    assert groups["hyperv"] == (*groups["site_a"], "hv-branch.example.test")
    assert groups["all"] == groups["hyperv"]
    assert groups["ungrouped"] == ()
    assert parse_ansible_ini(INI).groups["hyperv"] == groups["hyperv"]


@pytest.mark.parametrize(
    ("pattern", "hosts"),
    [
        ("site_a", ["hv01.example.test", "hv02.example.test"]),
        ("branch", ["hv-branch.example.test"]),
        ("hv02.example.test", ["hv02.example.test"]),
        ("hyperv,!branch", ["hv01.example.test", "hv02.example.test"]),
        ("hyperv:&site_a:!hv01.example.test", ["hv02.example.test"]),
        ("hv0*", ["hv01.example.test", "hv02.example.test"]),
        ("~^hv-", ["hv-branch.example.test"]),
        ("all", ["hv01.example.test", "hv02.example.test", "hv-branch.example.test"]),
        # Exclusions and intersections alone start from every host, as in Ansible.
        ("!branch", ["hv01.example.test", "hv02.example.test"]),
        ("!hv01.example.test,!branch", ["hv02.example.test"]),
        ("&site_a", ["hv01.example.test", "hv02.example.test"]),
    ],
)
def test_limit_selects_as_ansible_does(pattern: str, hosts: list[str], tmp_path: Path) -> None:
    path = tmp_path / "hosts.yml"
    path.write_text(YAML)
    assert [e.name for e in load_inventory_limited(path, limit=pattern).hosts] == hosts


def test_limit_on_a_toml_inventory_matches_names(tmp_path: Path) -> None:
    path = tmp_path / "inventory.toml"
    path.write_text(TOML)
    chosen = load_inventory_limited(path, limit="hv0*")
    assert [e.name for e in chosen.hosts] == ["hv01.example.test", "hv02.example.test"]
    with pytest.raises(InventoryError, match="selects no host"):
        load_inventory_limited(path, limit="nowhere")


def test_limit_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hosts.yml"
    path.write_text(YAML)
    status, out, err = in_process(
        capsys, "audit", "--inventory", str(path), "--limit", "nowhere", "--no-prompt"
    )
    assert (status, out) == (2, "")
    assert "selects no host" in err
    status, out, _ = in_process(
        capsys, "audit", "--lab", "demo", "--limit", "HV-BERLIN", "--format", "json"
    )
    assert '"hosts": 1' in out


def test_host_ranges_expand() -> None:
    text = "[hv]\nhv[01:03].example.test\nnode[a:b]\n"
    names = [e.name for e in parse_ansible_ini(text).inventory.hosts]
    assert names == [
        "hv01.example.test",
        "hv02.example.test",
        "hv03.example.test",
        "nodea",
        "nodeb",
    ]


def test_variable_precedence_host_over_child_over_parent_over_all() -> None:
    text = """
all:
  vars: {ansible_user: from-all, ansible_connection: psrp}
  children:
    outer:
      vars: {ansible_user: from-outer, ansible_port: 1000}
      children:
        inner:
          vars: {ansible_user: from-inner}
          hosts:
            h1:
            h2: {ansible_user: from-host}
"""
    hosts = {e.name: e for e in parse_ansible_yaml(text).inventory.hosts}
    assert hosts["h1"].username == "from-inner"
    assert hosts["h2"].username == "from-host"
    assert hosts["h1"].port == 1000


def test_ungrouped_hosts_and_default_connection() -> None:
    parsed = parse_ansible_ini("hv-solo.example.test ansible_host=192.0.2.9\n[g]\nh2\n")
    assert parsed.groups["ungrouped"] == ("hv-solo.example.test",)
    solo = parsed.inventory.hosts[0]
    assert (solo.transport, solo.address) == ("ssh", "192.0.2.9")  # Ansible's default


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("all:\n  hosts:\n    h1:\n      ansible_password: hunter2\n", "host h1: ansible_password"),
        ("[g]\nh1 ansible_ssh_pass=hunter2\n", "host h1: ansible_ssh_pass"),
        ("[g]\nh1\n[g:vars]\nansible_become_password=x\n", "host h1: ansible_become_password"),
    ],
)
def test_passwords_are_refused(text: str, where: str) -> None:
    parse = parse_ansible_yaml if text.startswith("all:") else parse_ansible_ini
    with pytest.raises(InventoryError, match="holds no passwords") as caught:
        parse(text, source="hosts")
    assert where in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_vault_values_are_refused() -> None:
    text = """
all:
  hosts:
    hv01:
      ansible_become_user: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          3961386237
"""
    with pytest.raises(InventoryError, match="vault-encrypted") as caught:
        parse_ansible_yaml(text, source="hosts.yml")
    assert "host hv01: ansible_become_user" in str(caught.value)
    with pytest.raises(InventoryError, match="vault-encrypted"):
        parse_ansible_yaml("$ANSIBLE_VAULT;1.1;AES256\n6638\n")
    with pytest.raises(InventoryError, match="vault-encrypted"):
        parse_ansible_ini("$ANSIBLE_VAULT;1.1;AES256\n6638\n")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ("ansible_port: many", "host h1: ansible_port: must be a port number"),
        ("ansible_port: 70000", "host h1: ansible_port: must be a port number"),
        ("ansible_host: [a, b]", "host h1: ansible_host: must be a string"),
        ("ansible_connection: docker", "host h1: ansible_connection: 'docker' is not one of"),
        ("ansible_psrp_auth: magic", "host h1: ansible_psrp_auth: 'magic' is not one of"),
        ("ansible_psrp_protocol: ftp", "host h1: ansible_psrp_protocol: 'ftp' is not http"),
        ("ansible_psrp_cert_validation: ignore", "always validates"),
        ("ansible_ssh_private_key_file: {a: 1}", "ansible_ssh_private_key_file: must be a"),
    ],
)
def test_wrong_types_name_host_and_variable(variables: str, message: str) -> None:
    text = f"all:\n  hosts:\n    h1:\n      {variables}\n"
    with pytest.raises(InventoryError) as caught:
        parse_ansible_yaml(text, source="hosts.yml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("hosts.yml: ")


def test_unknown_variables_are_a_debug_note(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="vmic.audit.ansible"):
        parse_ansible_ini("[g]\nh1 ansible_connection=psrp site_code=BER\n", source="hosts.ini")
    assert any("site_code" in record.getMessage() for record in caplog.records)
    assert all(record.levelno == logging.DEBUG for record in caplog.records)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- all\n", "mapping of groups"),
        ("all: [1, 2]\n", "a group is a mapping"),
        ("all:\n  hosts: [h1]\n", "hosts must be a mapping"),
        ("all:\n  hosts:\n    h1: {\n", "not valid YAML"),
        ("all:\n  children:\n    g: {hosts: {}}\n", "no hosts"),
    ],
)
def test_bad_yaml_shapes(text: str, message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        parse_ansible_yaml(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[g:weird]\nh1\n", "unknown section kind"),
        ("[g:vars]\njust-a-word\n", "key=value"),
        ("[g]\nh1 loose\n", "is not key=value"),
        ("[a:children]\nb\n[b:children]\na\n[a]\nh1\n", "its own ancestor"),
    ],
)
def test_bad_ini_lines(text: str, message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        parse_ansible_ini(text)


def test_winrm_variables_map_to_psrp() -> None:
    text = (
        "[g]\nh1 ansible_connection=winrm ansible_winrm_scheme=http "
        "ansible_winrm_transport=ntlm ansible_winrm_user=svc\n"
    )
    entry = parse_ansible_ini(text).inventory.hosts[0]
    assert (entry.transport, entry.use_tls, entry.auth, entry.username) == (
        "psrp",
        False,
        "ntlm",
        "svc",
    )
