"""Load the reference solutions of an assignment's source notebook, to test them directly."""

from types import SimpleNamespace

import nbformat
from conftest import COURSE

from autograder.assignments import nbgrader_meta


def load_solutions(assignment):
    """Run the setup, given and solution cells of ``source/<assignment>`` and return their names.

    Test cells and "try it" cells are not run: the result holds exactly what the assignment defines.
    """
    namespace = {"__name__": f"solutions_{assignment}"}
    for path in COURSE.source_notebooks(assignment):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code" or not meta or meta.get("grade"):
                continue
            if meta.get("solution") or meta.get("locked"):
                exec(compile(cell.source, f"{path.name}:{meta['grade_id']}", "exec"), namespace)
    return SimpleNamespace(**{k: v for k, v in namespace.items() if not k.startswith("__")})
