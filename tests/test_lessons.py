"""Every lesson follows the house style, is stored executed, and shows the lecture's worked numbers.
(nbval, run by `make test`, separately re-executes each lesson and compares the outputs.)"""

import re

import build_index
import nbformat
import pytest
from conftest import LESSONS, ROOT

from autograder.contract import CONTRACT

# The lecture's worked numbers, as each lesson must print them in an executed output.
WORKED_NUMBERS = {
    "01_admissions": ["score(9, 8) = 8", "score(3, 4) = -8", "score(7, 6) = 2"],
    "04_softmax": ["0.67", "0.24", "0.09"],
    "06_maximum_likelihood": ["0.0084", "0.3024", "0.504", "0.69", "0.006", "5.12", "0.084", "2.48"],
    "08_backpropagation": ["0.82"],
}
MAX_NOTEBOOK_BYTES = 1_500_000


def read(lesson):
    return nbformat.read(str(ROOT / "notebooks" / f"{lesson}.ipynb"), as_version=4)


def output_text(nb):
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            elif "data" in output:
                parts.append(output["data"].get("text/plain", ""))
    return "\n".join(parts)


def test_one_lesson_per_assignment():
    assert set(LESSONS) <= set(CONTRACT), f"lessons without an assignment: {sorted(set(LESSONS) - set(CONTRACT))}"
    missing = sorted(set(CONTRACT) - set(LESSONS))
    if missing:
        pytest.skip(f"not written yet: {', '.join(missing)}")


def test_course_map_and_navigation_are_generated_and_current():
    assert build_index.main(["--check"]) == 0, "run `make index` and commit notebooks/"


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_opens_and_closes_as_the_house_style_says(lesson):
    nb = read(lesson)
    parsed = build_index.parse_lesson(ROOT / "notebooks" / f"{lesson}.ipynb")
    assert 5 <= parsed.minutes <= 90 and len(parsed.objectives) >= 2
    assert f"../release/{lesson}/{lesson}.ipynb" in nb.cells[0].source, "the title cell links to the assignment"
    assert "navigation" in nb.cells[1].metadata.get("tags", []) and "navigation" in nb.cells[-1].metadata.get("tags", [])
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert "setup" in code_cells[0].metadata.get("tags", []), "the first code cell is the setup cell, tagged 'setup'"
    assert "COURSE_SEED" in code_cells[0].source and "use_course_style()" in code_cells[0].source
    for cell in code_cells[1:]:
        assert not re.search(r"^\s*(import |from \S+ import )", cell.source, re.M), f"{lesson}: imports belong in the setup cell"
        assert "default_rng(" not in cell.source and "np.random.seed" not in cell.source, f"{lesson}: one seed, in the setup cell"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "## Summary" in markdown and "## Your assignment" in markdown


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_is_stored_executed_cleanly(lesson):
    nb = read(lesson)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{lesson}: run it top to bottom in a fresh kernel (make lessons)"
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", f"{lesson}: a stored output is an error"
            assert not (output.get("output_type") == "stream" and output.get("name") == "stderr"), (
                f"{lesson}: a cell writes to stderr (a warning?): {output.get('text', '')[:200]}"
            )
    size = (ROOT / "notebooks" / f"{lesson}.ipynb").stat().st_size
    assert size < MAX_NOTEBOOK_BYTES, f"{lesson}: {size} bytes; use fewer or smaller figures"


@pytest.mark.parametrize("lesson", sorted(set(WORKED_NUMBERS) & set(LESSONS)))
def test_lesson_shows_the_lectures_worked_numbers(lesson):
    text = output_text(read(lesson))
    missing = [number for number in WORKED_NUMBERS[lesson] if number not in text]
    assert not missing, f"{lesson}: these worked numbers of the lecture are not in any output: {missing}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_asks_three_to_five_self_check_questions_stored_before_an_answer(lesson):
    nb = read(lesson)
    asking = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("selfcheck.ask(")]
    assert 3 <= len(asking) <= 5, f"{lesson}: {len(asking)} self-check questions; the course asks 3 to 5 per lesson"
    for cell in asking:
        (output,) = cell.outputs
        assert output["data"]["text/html"].startswith('<div class="nn-selfcheck">'), "the static form is stored"
        assert "application/vnd.jupyter.widget-view+json" not in output["data"], (
            "make lessons stores no widget views: their model ids change on every run and name no stored state")
