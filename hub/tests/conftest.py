"""One hub for the whole browser scenario: started by hub/hubctl.py before the first test, stopped (and
its accounts removed) after the last. Screenshots and step times go to hub/artifacts/ (not committed)."""

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HUB_DIR = Path(__file__).resolve().parent.parent
REPO = HUB_DIR.parent
ARTIFACTS = HUB_DIR / "artifacts"
PORT = int(os.environ.get("HUB_PORT", "8000"))
PREFIX = Path(os.environ.get("HUB_PREFIX", "/opt/nn-course-hub"))
PASSWORD = "e2e-" + os.urandom(6).hex()
# The tests make (and hub-down removes) accounts of their own, named so that nobody mistakes them for
# real ones and so that they never collide with a hub started by hand with the default names.
TEST_ACCOUNT_PREFIX = "nnhubtest-"
INSTRUCTOR = f"{TEST_ACCOUNT_PREFIX}instructor"
STUDENT1, STUDENT2, STUDENT3 = (f"{TEST_ACCOUNT_PREFIX}student{i}" for i in (1, 2, 3))
# Debian's headless Chromium (apt package chromium-headless-shell); Playwright's own build where installed.
BROWSER_CANDIDATES = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"]


def why_not_runnable():
    if platform.system() != "Linux":
        return f"the hub needs Linux (this is {platform.system()})"
    if os.geteuid() != 0:
        return "the hub needs root (it makes Unix accounts for the students)"
    return None


def browser_executable():
    for candidate in BROWSER_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    if shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium-headless-shell"], check=False,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, capture_output=True)
        if subprocess.run(["dpkg", "-s", "chromium-headless-shell"], capture_output=True).returncode:
            subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "chromium-headless-shell"], check=True,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, capture_output=True)
    for candidate in BROWSER_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return None  # Playwright's own browser, where `playwright install chromium` could download it


def hubctl(command):
    env = {**os.environ, "HUB_PASSWORD": PASSWORD, "HUB_PORT": str(PORT), "HUB_PREFIX": str(PREFIX)}
    env["HUB_STUDENTS"] = ",".join([STUDENT1, STUDENT2, STUDENT3])
    env["HUB_INSTRUCTOR"] = INSTRUCTOR
    return subprocess.run([sys.executable, str(HUB_DIR / "hubctl.py"), command], env=env, capture_output=True, text=True)


class Steps:
    """Times each browser step and keeps its screenshot."""

    def __init__(self):
        self.times = {}
        if ARTIFACTS.exists():
            shutil.rmtree(ARTIFACTS)
        ARTIFACTS.mkdir()

    def shot(self, page, name, full_page=False):
        page.screenshot(path=str(ARTIFACTS / f"{len(list(ARTIFACTS.glob('*.png'))) + 1:02d}_{name}.png"), full_page=full_page)

    def timed(self, name):
        steps = self

        class Timer:
            def __enter__(self):
                self.start = time.monotonic()

            def __exit__(self, *exc):
                steps.times[name] = round(time.monotonic() - self.start, 1)
                (ARTIFACTS / "step_times.json").write_text(json.dumps(steps.times, indent=1))

        return Timer()


@pytest.fixture(scope="session")
def hub():
    reason = why_not_runnable()
    if reason:
        pytest.skip(reason)
    if (PREFIX / "state" / "manifest.json").exists():
        pytest.fail(f"A hub made by hub-up is already set up under {PREFIX}: run `make hub-down` first "
                    "(the tests make and remove the same accounts).")
    started = time.monotonic()
    result = hubctl("up")
    try:
        assert result.returncode == 0, f"hub-up failed:\n{result.stdout}\n{result.stderr}"
        print(f"\nhub-up took {time.monotonic() - started:.1f} s")
        yield {"url": f"http://127.0.0.1:{PORT}", "password": PASSWORD, "prefix": PREFIX}
    finally:
        down = hubctl("down")
        assert down.returncode == 0, f"hub-down failed:\n{down.stdout}\n{down.stderr}"


@pytest.fixture(scope="session")
def steps():
    recorder = Steps()
    yield recorder
    print("\nbrowser step times (s): " + ", ".join(f"{k} {v}" for k, v in recorder.times.items()))


@pytest.fixture(scope="session")
def browser(hub):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = browser_executable()
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"]) if executable \
            else playwright.chromium.launch()
        try:
            yield launched
        finally:
            launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, a screenshot of every open page, to see what the browser showed."""
    outcome = yield
    report = outcome.get_result()
    browser = item.funcargs.get("browser")
    if report.when == "call" and report.failed and browser is not None:
        for i, context in enumerate(browser.contexts):
            for j, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(ARTIFACTS / f"failed_{item.name}_{i}_{j}.png"))
                except Exception:  # a closed page has nothing to show
                    continue
