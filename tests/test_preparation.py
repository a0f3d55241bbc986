"""The grader prepares a submission as nbgrader's own preprocessors do, reading its gradebook snapshot once.

``autograder.grading.preparation`` keeps one snapshot open per worker and compiles nbgrader's metadata schema
once; everything else is nbgrader's. These tests hand both the same submissions (tampered cells, changed
points, a wrong kernelspec, broken metadata) and require the same notebooks and the same errors.
"""

import copy

import nbformat
import pytest
from conftest import COURSE
from nbgrader.nbgraderformat import ValidationError
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec

from autograder.course import make_scratch_course, venv_on_path
from autograder.devtools.simulate import answered_notebook
from autograder.grading import preparation
from autograder.grading.record import register_assignments, snapshot_gradebook

A = "01_admissions"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    course = make_scratch_course(tmp_path_factory.mktemp("preparation") / "course", COURSE, [A])
    with venv_on_path():
        register_assignments(course, [A])
        db_url = snapshot_gradebook(course, course.root / "snapshot.db")
    yield course, db_url
    preparation.close_source_gradebook()


def nbgraders_preparation(nb, resources, config):
    """What ``nbgrader autograde`` runs before executing, one gradebook connection per preprocessor (with the
    grader's one change: a duplicated cell's emptied metadata is dropped, see ``prepared_for_running``)."""
    for preprocessor in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        nb, resources = preprocessor(config=config).preprocess(nb, resources)
        if preprocessor is DeduplicateIds:
            for cell in nb.cells:
                if cell.get("metadata", {}).get("nbgrader", None) == {}:
                    del cell.metadata["nbgrader"]
    return nb, resources


def resources_for(db_url):
    return {"nbgrader": {"db_url": db_url, "assignment": A, "notebook": A, "student": "prep-student"}, "metadata": {}}


def tampered(course):
    nb = answered_notebook(course, A)
    grade_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    grade_cells[0].source = "pass  # the test, deleted"
    grade_cells[1].metadata.nbgrader["points"] = 1000
    grade_cells[2].cell_type = "markdown"
    nb.metadata["kernelspec"] = {"name": "other", "display_name": "Other", "language": "python"}
    del nb.cells[nb.cells.index(grade_cells[3])]  # put back by add_missing_cells
    return nb


def test_a_tampered_submission_is_prepared_exactly_as_nbgrader_prepares_it(snapshot):
    course, db_url = snapshot
    config = course.config()
    nb = tampered(course)
    expected, _ = nbgraders_preparation(copy.deepcopy(nb), resources_for(db_url), config)
    for _ in range(2):  # the second time from the snapshot's kept answers
        got, _ = preparation.prepared_for_running(copy.deepcopy(nb), resources_for(db_url), config)
        assert got == expected
    restored = [c for c in got.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert restored[0].source != "pass  # the test, deleted" and restored[1].metadata.nbgrader["points"] != 1000
    assert got.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("breakage", ["schema too old", "schema too new", "no points", "not the schema"])
def test_broken_metadata_fails_as_in_nbgrader(snapshot, breakage):
    course, db_url = snapshot
    config = course.config()
    nb = answered_notebook(course, A)
    solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    extra = nbformat.v4.new_code_cell("y = 2", metadata={"nbgrader": copy.deepcopy(solution.metadata.nbgrader)})
    extra.metadata.nbgrader["grade_id"] = "a_cell_of_the_students"
    meta = extra.metadata.nbgrader
    if breakage == "schema too old":
        meta["schema_version"] = 2
    elif breakage == "schema too new":
        meta["schema_version"] = 4
    elif breakage == "no points":
        meta["grade"] = True
    else:
        meta["locked"] = "yes"
    nb.cells.append(extra)
    outcomes = []
    for prepare in (nbgraders_preparation, preparation.prepared_for_running):
        try:
            prepare(copy.deepcopy(nb), resources_for(db_url), config)
            outcomes.append(None)
        except Exception as error:  # noqa: BLE001  (which error, and its message, is what is compared)
            outcomes.append((type(error), str(error)))
    assert outcomes[0] is not None, f"nbgrader accepted a cell with {breakage}: the test proves nothing"
    assert outcomes[1] == outcomes[0]


def test_the_snapshot_is_opened_once_and_closed_for_another(snapshot, tmp_path):
    course, db_url = snapshot
    first = preparation.source_gradebook(db_url)
    assert preparation.source_gradebook(db_url) is first
    with venv_on_path():
        other = snapshot_gradebook(course, tmp_path / "other.db")
    second = preparation.source_gradebook(other)
    assert second is not first and second.find_notebook(A, A).name == A
    preparation.close_source_gradebook()
    assert preparation.source_gradebook(db_url).find_notebook(A, A).name == A


def test_a_compiled_check_still_reports_which_metadata_is_wrong():
    cell = nbformat.v4.new_code_cell("z = 3", metadata={"nbgrader": {
        "grade": False, "solution": True, "locked": "yes", "grade_id": "c", "schema_version": 3}})
    with pytest.raises(Exception, match="'yes' is not of type 'boolean'"):
        preparation.CompiledMetadataValidator().validate_cell(cell)
    with pytest.raises(ValidationError, match="Duplicate grade id"):
        nb = nbformat.v4.new_notebook(cells=[copy.deepcopy(cell), copy.deepcopy(cell)])
        for each in nb.cells:
            each.metadata.nbgrader["locked"] = False
        preparation.CompiledMetadataValidator().validate_nb(nb)
