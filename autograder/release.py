"""Generate the student versions with nbgrader, then prove them.

A release is proven when every test cell of the source passes with the solutions (and no
other cell raises), and every test cell of the release fails on the unanswered stubs, with the
stub's NotImplementedError or a failed check, never with a NameError or a broken import.
nbgrader's Validator runs both; its CLI exits 0 even on failure, so its Python API is used.
"""

import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.validator import Validator

from autograder.assignments import nbgrader_meta
from autograder.course import CourseError, make_scratch_course, venv_on_path

# The errors a stub may legitimately cause in a test cell.
EXPECTED_STUB_ERRORS = {"NotImplementedError", "AssertionError", "CheckFailure"}


class _KeepingValidator(Validator):
    """nbgrader's Validator, keeping the executed notebook so errors can be inspected."""

    executed = None

    def _preprocess(self, nb):
        self.executed = super()._preprocess(nb)
        return self.executed


@dataclass
class Proof:
    assignment: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def _first_error(cell):
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "?"), output.get("evalue", "")
    return None


def validate(path, invert, config=None):
    """nbgrader's validation of one notebook: (its results dict, the executed notebook).
    The course's config carries the execution settings (timeout, kernel arguments)."""
    validator = _KeepingValidator(config=config, invert=invert, validate_all=not invert)
    validator.log.setLevel(logging.WARNING)
    with venv_on_path():
        results = validator.validate(str(path))
    return results, validator.executed


def prove_source(path, config=None):
    """Problems with a source notebook: a test cell that fails, or any cell that raises."""
    results, _ = validate(path, invert=False, config=config)
    problems = []
    for failure in results.get("failed", []):
        first_line = failure["source"].splitlines()[0] if failure["source"] else "(empty cell)"
        problems.append(f"{path.name}: the solution fails in the cell starting {first_line!r}: {failure['raw_error'].splitlines()[-1:]}")
    for changed in results.get("type_changed", []):
        problems.append(f"{path.name}: a cell changed type: {changed['source'][:60]!r}")
    return problems


def prove_release(path, config=None):
    """Problems with a release notebook: a test cell that passes on the stubs, or fails for a wrong reason."""
    results, executed = validate(path, invert=True, config=config)
    problems = []
    for passed in results.get("passed", []):
        problems.append(f"{path.name}: a test cell passes without any answer: {passed['source'].splitlines()[0]!r}")
    for cell in executed.cells if executed is not None else []:
        meta = nbgrader_meta(cell)
        if not meta.get("grade") or meta.get("solution") or cell.cell_type != "code":
            continue
        error = _first_error(cell)
        if error and error[0] not in EXPECTED_STUB_ERRORS:
            problems.append(
                f"{path.name}: test {meta['grade_id']} fails on the stubs with {error[0]}: {error[1]} "
                f"(a student would see a broken notebook, not a missing answer)"
            )
    return problems


def generate(course, assignments, into=None):
    """Run nbgrader generate_assignment for each assignment; the results replace ``into``/<assignment>.

    nbgrader works in a scratch copy of the course with its own gradebook, so that releasing
    never touches the course's gradebook and two releases can run at once. ``into`` defaults
    to the course's release/.
    """
    into = Path(into or course.release_dir)
    with tempfile.TemporaryDirectory(prefix="release-") as scratch_dir:
        scratch = make_scratch_course(Path(scratch_dir) / "course", course, assignments, with_release=False)
        api = scratch.api()
        with venv_on_path():
            for assignment in assignments:
                result = api.generate_assignment(assignment, force=True, create=True)
                if not result["success"]:
                    raise CourseError(f"nbgrader could not generate {assignment}:\n{result.get('error') or result.get('log')}")
        for assignment in assignments:
            target = into / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(scratch.release_dir / assignment, target)


def prove(course, assignment):
    proof = Proof(assignment)
    config = course.config()
    for source in course.source_notebooks(assignment):
        proof.problems.extend(prove_source(source, config))
        released = course.release_dir / assignment / source.name
        if not released.is_file():
            proof.problems.append(f"{released} is missing: run `python -m autograder release {assignment}`.")
            continue
        proof.problems.extend(prove_release(released, config))
    return proof


def release(course, assignments, out=print):
    """Generate and prove; returns True when every assignment is proven."""
    assignments = course.resolve_assignments(assignments)
    generate(course, assignments)
    all_ok = True
    for assignment in assignments:
        proof = prove(course, assignment)
        all_ok &= proof.ok
        if proof.ok:
            out(f"{assignment}: released and proven (solutions pass every test; stubs fail every test).")
        else:
            out(f"{assignment}: PROBLEMS")
            for problem in proof.problems:
                out(f"  - {problem}")
    return all_ok
