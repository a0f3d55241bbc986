"""pyproject.toml, requirements.lock and environment.yml agree."""

import re
import tomllib

import pytest
from conftest import ROOT
from environment_yml import CONDA_NAMES, locked_versions, render, requirement_name
from packaging.requirements import Requirement

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")
VERSIONS = locked_versions(LOCK)
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
DIRECT = PYPROJECT["project"]["dependencies"] + EXTRAS["test"] + EXTRAS["hub"]


@pytest.mark.parametrize("requirement", DIRECT)
def test_every_direct_dependency_is_pinned_once_within_its_range(requirement):
    parsed = Requirement(requirement)
    pins = VERSIONS.get(requirement_name(requirement))
    assert pins, f"{parsed.name} is in pyproject.toml but not in requirements.lock: run `make lock`"
    assert len(pins) == 1, f"{parsed.name} is locked at several versions {sorted(pins)}; every platform must get the same"
    (version,) = pins
    assert parsed.specifier.contains(version, prereleases=True), f"{parsed.name}=={version} is outside {parsed.specifier}"


def test_lock_pins_every_package_with_hashes():
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.split("\n", 2)[2])
    for block in blocks:
        if block.strip() and not block.startswith("#"):
            assert "==" in block.splitlines()[0] and "--hash=sha256:" in block, f"unpinned or unhashed: {block.splitlines()[0]}"


def test_environment_yml_pins_the_locked_versions():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert text == render(PYPROJECT, LOCK), "environment.yml disagrees with the lock: run `make lock`"
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = requirement_name(requirement)
        (version,) = VERSIONS[name]
        assert f"  - {CONDA_NAMES.get(name, name)}={version}\n" in text


def test_nbgrader_is_the_supported_series():
    (version,) = VERSIONS["nbgrader"]
    assert version.startswith("0.9."), "the grading tool is written against nbgrader 0.9.x"
