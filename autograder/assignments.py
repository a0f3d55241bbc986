"""What an assignment's source notebook says about grading: its functions, tests and points.

The one reader of the instructor's source notebooks (``source/<assignment>/*.ipynb``): everything
else asks here, so the rules for what counts as a function, a test or a hidden part live in one place.
"""

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"


@dataclass(frozen=True)
class TestCell:
    grade_id: str
    points: float
    hidden: bool
    function: str | None
    summary: str  # the cell's first comment line, safe to show a student
    visible: str  # the cell's source up to its hidden region: all a student may see of it


@dataclass(frozen=True)
class ReplayCell:
    """A cell the verdict process runs (see ``autograder.grading.verdict``): a locked cell of the instructor's
    (setup, given code) or a test cell, split where its hidden part begins."""

    grade_id: str
    visible: str
    hidden: str | None

    def to_json(self):
        return {"grade_id": self.grade_id, "visible": self.visible, "hidden": self.hidden}


@dataclass
class NotebookSpec:
    name: str
    functions: list[str] = field(default_factory=list)
    tests: list[TestCell] = field(default_factory=list)
    replay: list[ReplayCell] = field(default_factory=list)

    def replay_plan(self):
        """What the verdict process needs for this notebook: the graded functions and the cells, in order."""
        return {"functions": list(self.functions), "cells": [cell.to_json() for cell in self.replay]}

    @property
    def max_score(self):
        return sum(t.points for t in self.tests)


@dataclass
class AssignmentSpec:
    name: str
    notebooks: list[NotebookSpec]

    @property
    def max_score(self):
        return sum(nb.max_score for nb in self.notebooks)

    @property
    def tests(self):
        return [t for nb in self.notebooks for t in nb.tests]

    @property
    def functions(self):
        return [f for nb in self.notebooks for f in nb.functions]

    def replay_plans(self):
        """{notebook: replay plan}, see :meth:`NotebookSpec.replay_plan`."""
        return {nb.name: nb.replay_plan() for nb in self.notebooks}

    def hidden_test_views(self):
        """{notebook: {grade_id: visible part}} of the hidden tests, for redacting feedback."""
        return {nb.name: {t.grade_id: t.visible for t in nb.tests if t.hidden} for nb in self.notebooks}

    def test(self, grade_id):
        for t in self.tests:
            if t.grade_id == grade_id:
                return t
        raise KeyError(grade_id)


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def function_of_test(grade_id, functions):
    """The function a test cell checks: ``test_<function>`` or ``test_<function>_<aspect>``."""
    candidates = [f for f in functions if grade_id == f"test_{f}" or grade_id.startswith(f"test_{f}_")]
    return max(candidates, key=len) if candidates else None


def _summary(source):
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and HIDDEN_BEGIN not in stripped:
            return stripped.lstrip("#").strip()
    return ""


def without_hidden_tests(source):
    """A test cell as the student's kernel runs it: every hidden region removed (nbgrader's own rule)."""
    kept, hidden = [], False
    for line in source.split("\n"):
        if HIDDEN_BEGIN in line:
            hidden = True
        elif HIDDEN_END in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def replay_cell(cell):
    """The cell as the verdict process runs it, or None for a cell it skips (answers, free cells, markdown)."""
    meta = nbgrader_meta(cell)
    if cell.cell_type != "code" or meta.get("solution") or not (meta.get("grade") or meta.get("locked")):
        return None
    visible, marker, rest = cell.source.partition(HIDDEN_BEGIN)
    return ReplayCell(grade_id=meta["grade_id"], visible=visible, hidden=(marker + rest) if marker else None)


def source_notebook_path(course, assignment, notebook=None):
    return course.source_dir / assignment / f"{notebook or assignment}.ipynb"


def read_source_notebook(course, assignment, notebook=None):
    """A fresh copy of a source notebook (callers may change it)."""
    return nbformat.read(str(source_notebook_path(course, assignment, notebook)), as_version=4)


def solution_sources(course, assignment, notebook=None):
    """{grade_id: source} of the solution cells of a source notebook."""
    nb = read_source_notebook(course, assignment, notebook)
    return {nbgrader_meta(c)["grade_id"]: c.source for c in nb.cells if nbgrader_meta(c).get("solution")}


def grade_ids(course, assignment, notebook=None):
    """Every nbgrader cell id of a source notebook."""
    nb = read_source_notebook(course, assignment, notebook)
    return {nbgrader_meta(c).get("grade_id") for c in nb.cells} - {None}


def read_notebook_spec(path):
    nb = nbformat.read(str(path), as_version=4)
    spec = NotebookSpec(name=Path(path).stem)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and not meta.get("grade"):
            spec.functions.append(meta["grade_id"])
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        replayed = replay_cell(cell)
        if replayed is not None:
            spec.replay.append(replayed)
        if meta.get("grade") and not meta.get("solution"):
            spec.tests.append(TestCell(
                grade_id=meta["grade_id"],
                points=float(meta.get("points", 0)),
                hidden=HIDDEN_BEGIN in cell.source,
                function=function_of_test(meta["grade_id"], spec.functions),
                summary=_summary(cell.source),
                visible=cell.source.split(HIDDEN_BEGIN, 1)[0],
            ))
    return spec


def read_assignment_spec(course, assignment):
    notebooks = [read_notebook_spec(p) for p in course.source_notebooks(assignment)]
    return AssignmentSpec(name=assignment, notebooks=notebooks)
