"""The jail's set-up and the limits, without grading a class (the attacks are in test_attacks.py)."""

import subprocess
import sys

import pytest
from traitlets.config import Config

from autograder.cli import build_parser, main
from autograder.grading import jail
from autograder.grading.jail import JailUnavailable, Limits
from autograder.grading.limits import limits_for


def test_limits_come_from_the_config_and_the_command_line_wins():
    config = Config()
    config.Execute.timeout = 7
    config.Grading.memory_bytes = 1024**3
    config.Grading.max_processes = 16
    limits = limits_for(config, memory_bytes=512 * 1024**2, time_cap=None)
    assert (limits.cell_timeout, limits.memory_bytes, limits.max_processes) == (7, 512 * 1024**2, 16)
    assert limits.time_cap == 120  # at least 120 s, else four cell timeouts
    assert limits_for(Config(), jail=False).jail is False
    assert limits_for(Config()) == Limits()


def test_an_unknown_limit_in_the_config_is_named():
    config = Config()
    config.Grading.memory_gib = 1
    with pytest.raises(Exception, match="memory_gib"):
        limits_for(config)


def test_without_bubblewrap_grading_refuses_and_names_the_way_out(monkeypatch, capsys):
    monkeypatch.setattr(jail, "bwrap_path", lambda: None)
    with pytest.raises(JailUnavailable, match="--no-jail"):
        jail.check_available()
    assert main(["grade", "--workers", "1"]) == 2
    error = capsys.readouterr().err
    assert "bubblewrap" in error and "apt-get install bubblewrap" in error and "--no-jail" in error


def test_the_course_option_is_accepted_before_and_after_the_subcommand(tmp_path):
    args = build_parser().parse_args(["grade", "--course", str(tmp_path), "--no-jail"])
    assert args.course == str(tmp_path) and args.no_jail
    assert build_parser().parse_args(["--course", str(tmp_path), "grade"]).global_course == str(tmp_path)


@pytest.mark.skipif(jail.bwrap_path() is None, reason="bubblewrap is installed by make; this checks the jail it makes")
def test_a_process_in_the_jail_sees_no_course_no_network_and_a_read_only_system(tmp_path):
    (tmp_path / "inbox").mkdir()
    probe = ("import os, socket\n"
             "print(os.getpid(), os.getuid(), sorted(os.listdir('/')))\n"
             f"print(os.path.exists({str(tmp_path)!r}), os.path.exists('/root/.bashrc'))\n"
             "try:\n    socket.create_connection(('127.0.0.1', 22), timeout=1)\nexcept OSError as e:\n    print(type(e).__name__)\n"
             "try:\n    open('/usr/owned', 'w')\nexcept OSError as e:\n    print(e.errno)\n")
    command = jail.jail_command([sys.executable, "-I", "-c", probe], tmp_path / "inbox", tmp_path, Limits(), {})
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()
    pid, uid, top = out[0].split(" ", 2)
    assert (pid, uid) == ("2", "65534")  # its own PID namespace, an unprivileged uid
    assert "'home'" not in top  # only what the jail binds: the system, Python, nnhelpers
    assert out[1] == "False False"  # the grader's folders and the home folder are not there at all
    assert out[2] in {"ConnectionRefusedError", "OSError"}  # a network namespace with nothing in it
    assert out[3] == "30"  # EROFS


@pytest.mark.skipif(jail.bwrap_path() is None, reason="bubblewrap is installed by make; this checks the jail it makes")
@pytest.mark.parametrize("when", ["as soon as the jail is started", "once the runner is serving"])
def test_a_runner_in_its_own_jail_ends_when_its_lifeline_to_the_grader_closes(tmp_path, when):
    """bubblewrap's --die-with-parent misses a grader killed before bubblewrap arms it; the runner's lifeline (a
    pipe only the grader writes to) ends the jail when the grader's end closes, before or after the runner armed it."""
    import os
    import signal
    import time

    from conftest import COURSE

    from autograder.grading.pool import RunnerPool

    pool = RunnerPool(use_template=False)
    slot = pool.take(COURSE.root, tmp_path, Limits(scratch_bytes=32 * 1024**2))
    try:
        if when == "once the runner is serving":
            assert slot.runner.request("run", b"1 + 1", time.monotonic() + 60)[0]["op"] == "outputs"
        jail_process = slot.process
        os.close(slot.lifeline)
        slot.lifeline = None
        jail_process.wait(timeout=30)  # bubblewrap ends with its runner
        if when == "once the runner is serving":
            assert jail_process.returncode == 128 + signal.SIGIO  # bubblewrap reports the runner's death by SIGIO
    finally:
        pool.dispose(slot)
        pool.close()


def test_without_a_jail_runners_are_forked_from_a_template_even_when_own_jails_are_asked_for(tmp_path):
    """``use_template=False`` means a jail of each runner's own instead of the template's; with no jail at all
    there is nothing to build, so the runner still comes from a template (not from a bubblewrap started anyway)."""
    import time

    from conftest import COURSE

    from autograder.grading.pool import RunnerPool

    pool = RunnerPool(use_template=False)
    slot = pool.take(COURSE.root, tmp_path, Limits(jail=False, scratch_bytes=32 * 1024**2))
    try:
        assert slot.process is None and slot.jail_root is None and slot.template is not None
        assert slot.runner.request("run", b"1 + 1", time.monotonic() + 60)[0]["op"] == "outputs"
    finally:
        pool.dispose(slot)
        pool.close()
