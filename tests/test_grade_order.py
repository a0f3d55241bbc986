"""A run starts its slowest submissions first, and its worker processes leave without a slow teardown."""

import json
import subprocess
import sys
from types import SimpleNamespace

from conftest import ROOT

from autograder.grade import longest_first, recorded_seconds
from autograder.grading.record import RECORD_FILE

ASSIGNMENTS = ["01_first", "02_second", "03_third", "04_fourth"]


class FakeCourse:
    def __init__(self, root):
        self.autograded_dir = root / "autograded"


def record(course, student, assignment, seconds):
    folder = course.autograded_dir / student / assignment
    folder.mkdir(parents=True)
    (folder / RECORD_FILE).write_text(json.dumps({"seconds": seconds, "flags": []}))


def tasks_for(students):
    return [SimpleNamespace(student=s, assignment=a) for a in ASSIGNMENTS for s in students]


def test_recorded_times_order_the_run_and_unknown_assignments_go_first(tmp_path):
    course = FakeCourse(tmp_path)
    for student, seconds in (("s1", 0.4), ("s2", 0.6)):
        record(course, student, "01_first", seconds)  # mean 0.5
    record(course, "s1", "03_third", 2.0)
    record(course, "s1", "04_fourth", 0.1)
    assert recorded_seconds(course, "01_first", ["s1", "s2", "s3"]) == 0.5
    assert recorded_seconds(course, "02_second", ["s1", "s2", "s3"]) is None
    order = [(t.assignment, t.student) for t in longest_first(tasks_for(["s1", "s2"]), course, ASSIGNMENTS, ["s1", "s2"])]
    assert order == [("02_second", "s1"), ("02_second", "s2"), ("03_third", "s1"), ("03_third", "s2"),
                     ("01_first", "s1"), ("01_first", "s2"), ("04_fourth", "s1"), ("04_fourth", "s2")]


def test_without_any_record_later_assignments_go_first(tmp_path):
    order = [t.assignment for t in longest_first(tasks_for(["s1"]), FakeCourse(tmp_path), ASSIGNMENTS, ["s1"])]
    assert order == list(reversed(ASSIGNMENTS))


def test_a_pool_worker_closes_everything_then_leaves_without_teardown(tmp_path):
    # Handlers registered after init_worker (the runners', the verdict process's) still run; then the process
    # ends at once, with status 0, before the interpreter's own teardown (a handler registered before is skipped).
    code = f"""
import atexit
atexit.register(print, "registered before: skipped")
from autograder.grading import pipeline
pipeline.init_worker({str(ROOT)!r}, {str(tmp_path)!r}, leave_without_teardown=True)
atexit.register(print, "registered after: run", flush=True)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["registered after: run"]
