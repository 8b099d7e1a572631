"""The files IT installs (docs/deploy.md): the systemd unit passes `systemd-analyze verify` and
its start-up check refuses a bad environment file in one sentence; the compose file's
structure holds and the files it names exist (parsed: this machine has the docker CLI but no
compose plugin and no daemon); the Caddyfile is valid for a real domain. Caddy itself in front of
Rota is tested in tests/test_proxy.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.app import ROOT

UNIT = ROOT / "deploy" / "rota.service"
COMPOSE = ROOT / "docker" / "compose.yaml"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
ENV_EXAMPLE = ROOT / "deploy" / "rota.env.example"
ENV_FILE = "/etc/rota/rota.env"
INSTALLED = "/opt/rota/venv/bin/rota"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"


def installed_here(unit: str) -> str:
    """The unit as installed on this machine: the rota command is this checkout's."""
    return unit.replace(INSTALLED, str(Path(sys.executable).parent / "rota"))


def test_the_systemd_unit_verifies(tmp_path: Path) -> None:
    if not Path(SYSTEMD_ANALYZE).exists():
        pytest.fail("systemd-analyze is missing (Debian's systemd package has it)")
    unit = tmp_path / "rota.service"
    unit.write_text(installed_here(UNIT.read_text()))
    done = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    # a wrong key or value is only a warning for systemd: any output at all fails here
    complaints = [line for line in (done.stdout + done.stderr).splitlines() if "rota" in line]
    assert done.returncode == 0 and not complaints, done.stdout + done.stderr


def test_the_unit_restarts_on_failure_with_its_data_folder_and_secrets() -> None:
    service = dict(
        line.split("=", 1) for line in UNIT.read_text().splitlines() if re.match(r"^\w+=", line)
    )
    assert service["Restart"] == "on-failure"
    assert service["StateDirectory"] == "rota" and service["StateDirectoryMode"] == "0700"
    assert service["EnvironmentFile"] == f"-{ENV_FILE}"
    assert "--data-dir /var/lib/rota" in service["ExecStart"]
    assert "--trusted-proxy 127.0.0.1" in service["ExecStart"]


def preflight() -> str:
    """The unit's first ExecStartPre as the shell sees it, checking a file of our choosing."""
    line = next(
        line for line in UNIT.read_text().splitlines() if line.startswith("ExecStartPre=/bin/sh")
    )
    script = line.removeprefix("ExecStartPre=/bin/sh -c ").strip("'")
    return script.replace("$$", "$").replace("%%", "%")


def run_preflight(env_file: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = preflight().replace(ENV_FILE, str(env_file))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environ}
    return subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True, env=env)


GOOD = {
    "ROTA_PROGRAMME": "/srv/rota/myday/programme.toml",
    "ROTA_BASE_URL": "https://rota.example.org",
    "ROTA_ORGANISER_TOKEN": "x" * 32,
}


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("no file", "rota.env is missing: copy deploy/rota.env.example there"),
        ("readable by others", "rota.env may be read by others: chmod 600"),
        ("no token", "ROTA_ORGANISER_TOKEN is missing from"),
        ("no programme", "ROTA_PROGRAMME is missing from"),
    ],
)
def test_the_unit_refuses_a_bad_environment_file_in_one_sentence(
    tmp_path: Path, case: str, said: str
) -> None:
    env_file = tmp_path / "rota.env"
    environ = dict(GOOD)
    if case != "no file":
        env_file.write_text("".join(f"{k}={v}\n" for k, v in environ.items()))
        env_file.chmod(0o644 if case == "readable by others" else 0o600)
    if case == "no token":
        del environ["ROTA_ORGANISER_TOKEN"]
    if case == "no programme":
        del environ["ROTA_PROGRAMME"]
    done = run_preflight(env_file, environ)
    assert done.returncode == 1
    assert said in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_the_unit_accepts_a_good_environment_file(tmp_path: Path) -> None:
    env_file = tmp_path / "rota.env"
    env_file.write_text("ROTA_ORGANISER_TOKEN=…\n")
    env_file.chmod(0o600)
    done = run_preflight(env_file, GOOD)
    assert done.returncode == 0 and not done.stderr, done.stderr


# --- docker/compose.yaml -------------------------------------------------------------------

REQUIRED = re.compile(r"\$\{(\w+):\?([^}]*)\}")
VARIABLE = re.compile(r"\$\{(\w+)")


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_serves_the_programme_folder_given_in_one_variable() -> None:
    services = compose()["services"]
    for name in ("rota-a", "rota-b"):
        rota = services[name]
        (mount,) = [v for v in rota["volumes"] if v["target"] == "/event"]
        assert mount["type"] == "bind" and mount["read_only"] is True
        assert mount["source"].startswith("${ROTA_PROGRAMME_DIR:?")
        assert rota["command"][0].startswith("/event/")
        assert rota["environment"]["ROTA_BASE_URL"].startswith("https://${ROTA_DOMAIN:?")
        assert rota["restart"] == "unless-stopped" and "healthcheck" in rota
        assert rota["depends_on"]["redis"]["condition"] == "service_healthy"
    redis = services["redis"]
    assert "--appendonly" in redis["command"] and redis["volumes"] == ["redis-data:/data"]
    assert "healthcheck" in redis and redis["restart"] == "unless-stopped"


def test_compose_puts_caddy_in_front_with_the_shipped_caddyfile() -> None:
    caddy = compose()["services"]["caddy"]
    assert {"80:80", "443:443"} <= set(caddy["ports"])
    mounted = {v.split(":")[1]: v.split(":")[0] for v in caddy["volumes"]}
    assert (COMPOSE.parent / mounted["/etc/caddy/Caddyfile"]).resolve() == CADDYFILE
    assert "caddy-data" in mounted.values()  # certificates survive a restart
    assert all(d["condition"] == "service_healthy" for d in caddy["depends_on"].values())
    trusted = compose()["services"]["rota-a"]["environment"]["ROTA_TRUSTED_PROXIES"]
    assert caddy["networks"]["default"]["ipv4_address"] == trusted
    rota = compose()["services"]["rota-a"]
    assert (COMPOSE.parent / rota["build"]["context"] / rota["build"]["dockerfile"]).exists()


def test_every_required_variable_says_where_to_set_it() -> None:
    """A missing variable stops `docker compose` before anything starts, with one sentence
    naming the variable and docker/.env; every variable is in the template."""
    text = COMPOSE.read_text()
    required = REQUIRED.findall(text)
    assert {name for name, _ in required} == {
        "ROTA_ORGANISER_TOKEN",
        "ROTA_DOMAIN",
        "ROTA_PROGRAMME_DIR",
    }
    for name, message in required:
        assert message.startswith(f"{name} is missing from docker/.env"), message
    template = ENV_EXAMPLE.read_text()
    for name in set(VARIABLE.findall(text)):
        assert re.search(rf"^#?{name}=", template, re.M), f"{name} is not in {ENV_EXAMPLE.name}"


def test_the_caddyfile_is_valid_for_a_real_domain(tmp_path: Path) -> None:
    caddy = os.environ.get("ROTA_CADDY") or shutil.which("caddy")
    if caddy is None:
        pytest.fail("caddy is missing: run scripts/ensure-caddy (make test does)")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "ROTA_DOMAIN": "rota.example.org",
    }
    done = subprocess.run(
        [caddy, "validate", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0 and "Valid configuration" in done.stdout + done.stderr, (
        done.stdout + done.stderr
    )


# --- bad input: one sentence naming what to fix, nothing started --------------------------


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (
            ["--base-url", "https://rota example.org"],
            {},
            "'rota example.org' is not a host name like rota.example.org",
        ),
        (
            [],
            {
                "ROTA_BASE_URL": "https://rota_day.example.org",
                "ROTA_DOMAIN": "rota_day.example.org",
            },
            "is not a host name like rota.example.org) (ROTA_DOMAIN in docker/.env)",
        ),
        (
            ["--base-url", "http://rota.example.org", "--trusted-proxy", "127.0.0.1"],
            {},
            "behind the proxy on the real day people's links must be https:// "
            "(set ROTA_BASE_URL=https://rota.example.org)",
        ),
        (
            ["--host", "0.0.0.0"],
            {"ROTA_BASE_URL": "http://rota.example.org", "ROTA_TRUSTED_PROXIES": "172.30.80.10"},
            "must be https://",
        ),
    ],
    ids=["not a host name", "ROTA_DOMAIN not a host name", "http behind the proxy", "from env"],
)
def test_serve_refuses_a_bad_public_address(
    tmp_path: Path, args: list[str], env: dict[str, str], said: str
) -> None:
    from click.testing import CliRunner

    from orchestrator.cli import main
    from tests.support.app import EXAMPLE

    data = tmp_path / "var"
    result = CliRunner().invoke(
        main, ["serve", str(EXAMPLE), "--data-dir", str(data), *args], env=env
    )
    assert result.exit_code in (1, 2), result.output
    assert said in result.output and len(result.output.strip().splitlines()) == 1, result.output
    assert not data.exists()  # nothing started, nothing stored


def test_check_refuses_a_base_url_that_is_not_a_host(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from orchestrator.cli import main
    from tests.support.app import EXAMPLE

    env = {"ROTA_BASE_URL": "https://rota..example.org"}
    result = CliRunner().invoke(main, ["check", str(EXAMPLE)], env=env)
    assert result.exit_code == 1
    assert "environment: the base URL 'https://rota..example.org' does not name a host" in (
        result.output
    )
    assert "set ROTA_BASE_URL to the name people will use." in result.output
