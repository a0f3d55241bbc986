"""A fast pre-check of catalogue cases: the source notebook (hidden tests included) with one
solution cell replaced, executed by nbgrader's Validator. Which test cells fail?

This is for authors writing cases; `selftest` is the real proof (it goes through autograde).
"""

import tempfile
from pathlib import Path

import nbformat

from autograder.assignments import nbgrader_meta, read_source_notebook
from autograder.release import validate


def failing_tests(course, case):
    """(failed grade_ids, {grade_id: last error line}) of the source with ``case`` substituted."""
    (source,) = course.source_notebooks(case.assignment)
    nb = read_source_notebook(course, case.assignment, source.stem)
    replaced = False
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == case.function and nbgrader_meta(cell).get("solution"):
            cell.source = case.code
            replaced = True
    if not replaced:
        raise ValueError(f"{case.id}: no solution cell {case.function!r} in {source.name}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.name
        nbformat.write(nb, str(path))
        for extra in source.parent.iterdir():
            if extra.suffix != ".ipynb" and extra.is_file():
                (Path(tmp) / extra.name).write_bytes(extra.read_bytes())
        _results, executed = validate(path, invert=False, config=course.config())
    failed, errors = [], {}
    for cell in executed.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
            if error:
                failed.append(meta["grade_id"])
                errors[meta["grade_id"]] = f"{error.get('ename')}: {error.get('evalue', '').splitlines()[0] if error.get('evalue') else ''}"
    return failed, errors


def quickcheck(course, cases, out=print):
    ok = True
    for case in cases:
        failed, errors = failing_tests(course, case)
        if case.expect == "correct":
            good = not failed
            verdict = "full marks" if good else f"LOSES POINTS on {failed}: {[errors[f] for f in failed]}"
        else:
            missed = [t for t in case.must_fail if t not in failed]
            good = bool(failed) and not missed
            verdict = f"fails {failed}" + (f"; NOT caught by {missed}" if missed else "")
        ok &= good
        out(f"{'ok  ' if good else 'BAD '} {case.id} ({case.expect}): {verdict}")
    return ok
