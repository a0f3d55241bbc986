"""The trusted re-check: test cells judged in a process where no student code runs.

Three parts: the verdict process's building blocks on their own (values from the kernel are plain data,
arguments come back into the test's objects), the structure of every source notebook (the re-check can
replay it), and cheats that fool the tests inside the kernel, graded by the real pipeline in the jail:
each cheater loses the points of the cheated tests and is flagged, and honest submissions keep full marks.
"""

import ast
import builtins
import json
import os
import pickle
import time

import numpy as np
import pandas as pd
import pytest
from conftest import ASSIGNMENTS, COURSE
from nbgrader.api import Gradebook
from test_attacks import DEEPCOPY_SWAP

from autograder.assignments import read_assignment_spec, without_hidden_tests
from autograder.course import make_scratch_course
from autograder.devtools.simulate import answered_notebook, write_submission
from autograder.grade import grade_course
from autograder.grading.integrity import FlagKind
from autograder.grading.record import read_record
from autograder.grading.verdict import Proxy, UncheckableResult, load_plain, run_cell
from nnhelpers.checks import CheckFailure, check_not_modified

# ---------------------------------------------------------------------------------------------
# The verdict process's parts, without a kernel: a channel that plays the kernel's part in-process.


class LocalKernel:
    """Does what the kernel's dispatcher does: unpickle the arguments, call, pickle (args, kwargs, result)."""

    def __init__(self, **functions):
        self.functions = functions

    def call(self, name, request):
        args, kwargs = pickle.loads(request)
        try:
            result = self.functions[name](*args, **kwargs)
        except Exception as error:
            payload = pickle.dumps((args, kwargs, None), protocol=5)
            return {"status": "raised", "error": {"types": [c.__name__ for c in type(error).__mro__],
                                                  "message": str(error)}}, payload
        return {"status": "ok"}, pickle.dumps((args, kwargs, result), protocol=5)


def proxy(function):
    return Proxy(function.__name__, LocalKernel(**{function.__name__: function}))


class Pwned:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


class AlwaysEqual:
    def __eq__(self, other):
        return True


class Lying(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)


@pytest.mark.parametrize(("value", "refused"), [
    (Pwned(), "posix.system"),
    (AlwaysEqual(), "AlwaysEqual"),
    (np.zeros(3).view(Lying), "Lying"),
    (np.array([AlwaysEqual()], dtype=object), "AlwaysEqual"),
    ([1.0, {"W": AlwaysEqual()}], "AlwaysEqual"),
    (np.ma.masked_array([1.0]), "numpy.ma"),
])
def test_values_from_the_kernel_that_are_not_plain_data_are_refused(value, refused):
    with pytest.raises(UncheckableResult, match=refused):
        load_plain(pickle.dumps(value, protocol=5))


def test_plain_values_come_back_whole_with_their_shared_parts_still_shared():
    W = np.arange(3.0)
    frame = pd.DataFrame({"name": ["a", "b"], "weight": [1.5, 2.0], "count": [1, 2]})
    value = ([W, W], (np.float64(1.5), np.int64(2), True, None, 1 + 2j, "x", b"y"), {"df": frame},
             pd.Series([1, 2], name="s"), np.random.default_rng(3), np.array(["a", "b"]))
    loaded = load_plain(pickle.dumps(value, protocol=5))
    assert loaded[0][0] is loaded[0][1]  # a history holding the same array twice still does
    np.testing.assert_array_equal(loaded[0][0], W)
    assert loaded[1] == value[1] and loaded[2]["df"].equals(frame) and loaded[3].equals(value[3])
    assert loaded[4].bit_generator.state == value[4].bit_generator.state


def test_a_proxy_brings_back_changes_to_the_arguments_so_check_not_modified_sees_them():
    def score(X, W, b):
        X *= 2  # changes the caller's array
        return X @ W + b

    X, W = np.array([[1.0, 2.0]]), np.array([1.0, 1.0])
    with pytest.raises(CheckFailure, match="changed its argument number 1"):
        check_not_modified(proxy(score), X, W, 0.0, name="score")
    np.testing.assert_array_equal(X, [[2.0, 4.0]])  # the test's own array changed, as in the notebook

    def one_hot_column(df, column):
        df["extra"] = 1
        return df

    frame = pd.DataFrame({"kind": [0, 1]})
    with pytest.raises(CheckFailure, match="changed its argument number 1"):
        check_not_modified(proxy(one_hot_column), frame, "kind")


def test_a_result_that_is_an_argument_is_that_same_object_and_exceptions_keep_their_builtin_type():
    def gradient_descent_step(W, rate):
        W -= rate
        return W, [W, W]

    W = np.ones(2)
    new_W, history = proxy(gradient_descent_step)(W, 0.5)
    assert new_W is W and history[0] is W and history[1] is W

    class LabelError(ValueError):
        pass

    def one_hot(labels, num_classes):
        raise LabelError("label 3 is not below 3")

    with pytest.raises(ValueError, match="label 3 is not below 3") as caught:
        proxy(one_hot)([3], 3)
    assert type(caught.value).__name__ == "LabelError"


def test_a_refused_value_fails_the_cell_with_a_message_the_student_can_act_on():
    def predict(X, W, b):
        return AlwaysEqual()

    namespace = {"predict": proxy(predict)}
    code = "got = predict([[1.0]], [1.0], 0.0)\ntry:\n    assert got == 1\nexcept Exception:\n    pass\n"
    outcome = run_cell([["visible", code]], namespace, "test_predict")
    assert outcome["ok"] is False and outcome["stage"] == "visible"
    assert "AlwaysEqual" in outcome["evalue"] and "cannot check" in outcome["evalue"]
    assert "NumPy array" in outcome["evalue"]


@pytest.mark.parametrize("jailed", [True, False], ids=["jail", "no-jail"])
def test_the_verdict_process_runs_cells_relays_calls_and_refuses_a_hostile_pickle(jailed, tmp_path):
    """The real process (in its jail, and without one for --no-jail), with this test playing the kernel: an
    honest answer passes, a wrong one fails with the check's message, a pickle that would run a command fails
    the cell without running it."""
    from autograder.grading.jail import Limits
    from autograder.grading.replay import VerdictProcess

    marker = tmp_path / "pwned"
    answers = {"honest": np.array([8.0, -8.0]), "wrong": np.array([8.0, 0.0])}

    def kernel(name, request):
        args, kwargs = pickle.loads(request)
        if name == "hostile":
            return {"status": "ok"}, pickle.dumps((args, kwargs, Touch(str(marker))), protocol=5)
        return {"status": "ok"}, pickle.dumps((args, kwargs, answers[name]), protocol=5)

    verdict = VerdictProcess(str(COURSE.root), Limits(jail=jailed))
    try:
        verdict.ensure_started()
        deadline = time.monotonic() + 120
        assert verdict.exchange({"op": "begin", "functions": list(answers) + ["hostile"]}, b"", deadline, kernel) == \
            {"op": "ready", "size": 0}
        outcomes = {}
        for name in ("honest", "wrong", "hostile"):
            code = (f"from nnhelpers.checks import check_close\nimport numpy as np\n"
                    f"check_close({name}(np.array([[9.0, 8.0], [3.0, 4.0]]), [2.0, 1.0], -18.0), [8.0, -8.0], name='{name}')")
            parts = json.dumps([["visible", code]]).encode()
            outcomes[name] = verdict.exchange({"op": "cell", "label": name}, parts, deadline, kernel)
    finally:
        verdict.close()
    assert outcomes["honest"]["ok"] is True
    assert outcomes["wrong"]["ename"] == "CheckFailure" and "1 of 2 value(s) are wrong" in outcomes["wrong"]["evalue"]
    assert outcomes["hostile"]["ename"] == "UncheckableResult" and "posix.system" in outcomes["hostile"]["evalue"]
    assert not marker.exists()


class Touch:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


# ---------------------------------------------------------------------------------------------
# Structure: every source notebook can be replayed


def _bound_and_used(source):
    tree = ast.parse(source)
    bound, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return bound, used


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_name_a_replayed_cell_uses_comes_from_the_instructors_cells_or_is_a_graded_function(assignment):
    """The verdict process runs only the instructor's locked and test cells: a test that used a name only an
    answer cell or a free cell defines (a helper, a variable of the "try it" cell) could not be re-checked."""
    spec = read_assignment_spec(COURSE, assignment)
    for notebook in spec.notebooks:
        known = set(dir(builtins)) | set(notebook.functions)
        assert notebook.replay, f"{notebook.name} has no cells to re-check"
        for cell in notebook.replay:
            source = cell.visible + (cell.hidden or "")
            compile(source, cell.grade_id, "exec")  # plain Python: no IPython magics
            bound, used = _bound_and_used(source)
            missing = used - bound - known
            assert not missing, (f"{notebook.name}: {cell.grade_id} uses {sorted(missing)}, which no earlier locked "
                                 "or test cell defines: the trusted re-check could not run it")
            known |= bound
        tests = [c.grade_id for c in notebook.replay if c.grade_id.startswith("test_")]
        assert tests == [t.grade_id for t in notebook.tests]


def test_the_kernel_runs_a_test_cell_without_its_hidden_part():
    source = "a = 1\n### BEGIN HIDDEN TESTS\nsecret = 2\n### END HIDDEN TESTS\nb = 3"
    assert without_hidden_tests(source) == "a = 1\nb = 3"


# ---------------------------------------------------------------------------------------------
# Cheats, graded by the real pipeline (jail, two workers)

A = "01_admissions"
WRONG_PREDICT = "def predict(X, W, b):\n    return (np.asarray(X) @ np.asarray(W) + b > 0).astype(int)\n"
NEUTER_CHECKS = """
import nnhelpers.checks as _checks
for _name in ("check_equal", "check_close", "check_integer_dtype", "check_scalar", "check_shape", "check_type"):
    setattr(_checks, _name, lambda *args, **kwargs: None)
    globals()[_name] = getattr(_checks, _name)
"""
CHEATS = {
    # The check functions keep their identity; their code is replaced.
    "code_swap": {"predict": WRONG_PREDICT + """
import nnhelpers.checks as _checks
def _nothing(*args, **kwargs):
    return None
for _name in dir(_checks):
    if _name.startswith("check_"):
        getattr(_checks, _name).__code__ = _nothing.__code__
"""},
    # copy.deepcopy returns its argument, so check_not_modified would compare X with itself.
    "deepcopy_swap": {"score": DEEPCOPY_SWAP},
    # Reads the calling test cell's source (the stack, else the input history) and returns the expected literal.
    "source_reader": {"predict": """
import inspect, linecache, re
import numpy as np
def predict(X, W, b):
    sources = [''.join(linecache.getlines(f.filename)) for f in inspect.stack()[1:]]
    sources.append(get_ipython().user_ns["In"][-1])
    for source in sources:
        found = re.search(r"check_equal\\(got, (\\[[-0-9, ]*\\])", source)
        if found:
            return np.array(eval(found.group(1)))
    return (np.asarray(X) @ np.asarray(W) + b > 0).astype(int)
"""},
    # Blinds the witness (found through the garbage collector), then neuters the checks.
    "witness_blinded": {"predict": WRONG_PREDICT + """
import gc
for _witness in [o for o in gc.get_objects() if type(o).__name__ == "Witness"]:
    _witness._probe = lambda nonce, _w=_witness: _w._write({"event": "probe", "nonce": nonce, "tampering": []})
""" + NEUTER_CHECKS},
    # Returns a duck array whose __array__ hands every check the value it expects, and whose == is always True.
    "liar": {"predict": """
import sys
import numpy as np
class _Liar:
    def __init__(self, values):
        self.values = values
    def __eq__(self, other):
        return True
    def __array__(self, dtype=None, copy=None):
        frame = sys._getframe(1)
        while frame is not None:
            if "expected_array" in frame.f_locals:
                return np.asarray(frame.f_locals["expected_array"], dtype=dtype)
            if "expected_shape" in frame.f_locals:
                return np.zeros(tuple(frame.f_locals["expected_shape"]), dtype=dtype or int)
            frame = frame.f_back
        return np.asarray(self.values, dtype=dtype)
def predict(X, W, b):
    return _Liar((np.asarray(X) @ np.asarray(W) + b > 0).astype(int))
"""},
    "numpy_patch": {"predict": WRONG_PREDICT + """
import numpy, numpy.testing
numpy.isclose = lambda *args, **kwargs: True
numpy.allclose = lambda *args, **kwargs: True
numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
"""},
    "exception_swallower": {"predict": WRONG_PREDICT + """
import sys
get_ipython().set_custom_exc((AssertionError,), lambda shell, etype, value, tb, tb_offset=None: None)
sys.excepthook = lambda *args: None
"""},
}
HONEST = {
    "honest_perfect": {},
    "honest_wrong": {"predict": WRONG_PREDICT},
    # Correct, but each call takes 0.3 s: the re-check gives it the time the notebook had.
    "honest_slow": {"score": """
import time
def score(X, W, b):
    time.sleep(0.3)
    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + b
"""},
    # A helper defined in score's answer cell, used by predict and accuracy in theirs.
    "honest_shared_helper": {
        "score": "def _affine(X, W, b):\n    return np.asarray(X, dtype=float) @ np.asarray(W, dtype=float) + b\n\n"
                 "def score(X, W, b):\n    return _affine(X, W, b)\n",
        "predict": "def predict(X, W, b):\n    return np.where(_affine(X, W, b) >= 0, 1, 0)[()]\n",
    },
}
PREDICT_TESTS = ("test_predict_on_boundary", "test_predict_hidden")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_scratch_course(tmp_path_factory.mktemp("verdict") / "course", COURSE, [A])
    for student, replacements in {**HONEST, **CHEATS}.items():
        write_submission(course, student, A, answered_notebook(course, A, replacements=replacements))
    results = grade_course(course, [A], workers=2, out=lambda *_: None, cell_timeout=3, time_cap=90)
    with Gradebook(course.db_url) as gb:
        grades = {(s.student.id, g.name): g.auto_score for s in gb.assignment_submissions(A)
                  for nb in s.notebooks for g in nb.grades}
    return {"course": course, "results": {r.student: r for r in results}, "grades": grades}


def _lost(graded, student):
    return sorted(test for (who, test), score in graded["grades"].items() if who == student and score == 0)


@pytest.mark.slow
@pytest.mark.parametrize(("student", "lost"), [
    ("honest_perfect", []),
    ("honest_slow", []),
    ("honest_shared_helper", []),
    ("honest_wrong", sorted(PREDICT_TESTS)),
])
def test_honest_submissions_get_exactly_their_points_and_no_flags(graded, student, lost):
    result = graded["results"][student]
    assert result.flags == [] and not result.tampered, result.flags
    assert _lost(graded, student) == lost


@pytest.mark.slow
@pytest.mark.parametrize(("student", "lost", "flag"), [
    ("code_swap", PREDICT_TESTS, "test_predict_on_boundary passed in the notebook but failed the trusted re-check"),
    # score changes its argument, and so does predict, which calls it.
    ("deepcopy_swap", ("test_score_hidden", "test_predict_hidden"), "copy.deepcopy was reassigned"),
    ("source_reader", PREDICT_TESTS, "test_predict_on_boundary passed in the notebook but failed the trusted re-check"),
    ("witness_blinded", PREDICT_TESTS,
     "test_predict_on_boundary passed in the notebook but failed the trusted re-check"),
    ("liar", ("test_predict_lesson_students", *PREDICT_TESTS), "cannot check"),
    ("numpy_patch", PREDICT_TESTS, "numpy.isclose was reassigned"),
    ("exception_swallower", PREDICT_TESTS, "a custom exception handler was installed"),
])
def test_a_cheat_loses_the_points_of_the_tests_it_fooled_and_is_flagged(graded, student, lost, flag):
    assert _lost(graded, student) == sorted(lost)
    record = read_record(graded["course"], student, A)
    assert record["tampered"], record["flags"]
    result = graded["results"][student]
    assert any(f.kind == FlagKind.TAMPERING and flag in f.text for f in result.flags), result.flags


@pytest.mark.slow
def test_the_feedback_shows_the_re_checks_message_and_never_the_hidden_code(graded):
    course = graded["course"]
    page = (course.feedback_dir / "liar" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "cannot check" in page
    hidden = read_assignment_spec(course, A).notebooks[0]
    secret = next(c.hidden for c in hidden.replay if c.grade_id == "test_predict_hidden")
    assert "[1, 0, 0, 0, 1]" in secret and "[1, 0, 0, 0, 1]" not in page
