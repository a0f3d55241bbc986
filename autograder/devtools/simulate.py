"""Build student submissions from the release: answered, blank, or with a catalogue case.

Used by the self-test, the demo, the benchmark and the tests: a submission is the student
version (release/) with answer cells filled in, exactly what a student would hand in.
"""

import datetime
from pathlib import Path

import nbformat

from autograder.assignments import nbgrader_meta, solution_sources


def release_notebook(course, assignment, notebook=None):
    notebook = notebook or assignment
    return nbformat.read(str(course.release_dir / assignment / f"{notebook}.ipynb"), as_version=4)


def answered_notebook(course, assignment, notebook=None, replacements=None, answer=True):
    """The release notebook with every answer cell filled from the source solutions,
    except those in ``replacements`` ({grade_id: code}), which get that code instead.
    ``answer=False`` leaves the other answer cells as unanswered stubs."""
    notebook = notebook or assignment
    nb = release_notebook(course, assignment, notebook)
    solutions = solution_sources(course, assignment, notebook)
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if not nbgrader_meta(cell).get("solution"):
            continue
        if replacements and grade_id in replacements:
            cell.source = replacements[grade_id]
        elif answer:
            cell.source = solutions[grade_id]
    return nb


def write_submission(course, student, assignment, content, filename=None, timestamp=None):
    """Put a notebook (NotebookNode, or raw text for broken files) into submitted/<student>/<assignment>/."""
    folder = Path(course.submitted_dir) / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (filename or f"{assignment}.ipynb")
    text = content if isinstance(content, str) else nbformat.writes(content)
    path.write_text(text, encoding="utf-8")
    stamp = timestamp or datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
    (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"), encoding="utf-8")
    return path


def typical_submission(course, assignment, cases, rng):
    """(notebook, story) of a typical student: most get most things right; some write a right
    answer differently; a third make one or two of the catalogue's mistakes."""
    wrong = [c for c in cases if c.assignment == assignment and c.expect == "wrong"]
    different = [c for c in cases if c.assignment == assignment and c.expect == "correct"]
    draw = rng.random()
    replacements, story = {}, "all right"
    if draw < 0.25 and different:
        case = rng.choice(different)
        replacements[case.function], story = case.code, f"right, written differently ({case.name})"
    elif draw < 0.55 and wrong:
        case = rng.choice(wrong)
        replacements[case.function], story = case.code, f"one mistake ({case.name})"
    elif draw < 0.70 and len({c.function for c in wrong}) > 1:
        first = rng.choice(wrong)
        second = rng.choice([c for c in wrong if c.function != first.function])
        replacements = {first.function: first.code, second.function: second.code}
        story = f"two mistakes ({first.name}, {second.name})"
    return answered_notebook(course, assignment, replacements=replacements), story
