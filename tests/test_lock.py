"""The environment the tests run in is the one uv.lock describes: a fresh clone installs what
was tested, and a dependency changed in pyproject.toml without a new lock is caught."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
UV = Path(sys.executable).with_name("uv")


def locked_packages() -> dict[str, set[str]]:
    """Every third-party package of the lock with its versions (one per Python version range
    where they differ, as numpy's do); the project itself left out."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    versions: dict[str, set[str]] = {}
    for p in lock["package"]:
        if "version" in p and p.get("source", {}).get("editable") is None:
            versions.setdefault(canonicalize_name(p["name"]), set()).add(p["version"])
    return versions


def installed_packages() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}


def test_every_installed_locked_package_has_the_locked_version() -> None:
    installed = installed_packages()
    locked = locked_packages()
    # packages for other platforms or Python versions are in the lock but not installed
    differing = {
        name: (installed[name], versions)
        for name, versions in locked.items()
        if name in installed and installed[name] not in versions
    }
    assert differing == {}


@pytest.mark.parametrize("package", ["aiohttp", "redis", "mypy", "pytest", "openpyxl"])
def test_a_direct_dependency_is_installed_from_the_lock(package: str) -> None:
    assert installed_packages()[package] in locked_packages()[package]


def test_the_lock_matches_pyproject() -> None:
    """`uv lock --check` answers from the lock and pyproject alone (no index is asked)."""
    if not UV.exists():
        pytest.fail(f"uv is not in the environment ({UV}): install with `make`")
    done = subprocess.run(
        [str(UV), "lock", "--check", "--offline"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
