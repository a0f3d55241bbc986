"""Every assignment source follows the contract and the house style (CONTRIBUTING.md)."""

import ast
import re

import nbformat
import pytest
from conftest import ASSIGNMENTS, COURSE

from autograder.assignments import HIDDEN_BEGIN, HIDDEN_END, nbgrader_meta, read_assignment_spec
from autograder.contract import CONTRACT

CHECKS_THAT_REVEAL = {"check_close", "check_equal", "check_frame_equal"}


def source_notebook(assignment):
    paths = COURSE.source_notebooks(assignment)
    assert len(paths) == 1, f"source/{assignment} should hold exactly one notebook, found {[p.name for p in paths]}"
    return nbformat.read(str(paths[0]), as_version=4)


def cells_by_id(nb):
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("grade_id")}


def signature(function_def):
    args = function_def.args
    names = [a.arg for a in args.args]
    defaults = [ast.unparse(d) for d in args.defaults]
    rendered = names[: len(names) - len(defaults)] + [f"{n}={d}" for n, d in zip(names[len(names) - len(defaults):], defaults, strict=True)]
    return f"({', '.join(rendered)})"


def test_every_contract_assignment_exists():
    assert sorted(CONTRACT) == sorted(set(CONTRACT) | set(ASSIGNMENTS)), "an assignment folder is not in the contract"
    missing = sorted(set(CONTRACT) - set(ASSIGNMENTS))
    if missing:
        pytest.skip(f"not written yet: {', '.join(missing)}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_cells_match_the_contract(assignment):
    nb = source_notebook(assignment)
    by_id = cells_by_id(nb)
    for function, expected_signature in CONTRACT[assignment].items():
        assert function in by_id, f"{assignment}: no solution cell with grade_id {function!r}"
        cell = by_id[function]
        meta = nbgrader_meta(cell)
        assert meta.get("solution") and not meta.get("grade"), f"{assignment}: cell {function!r} must be a solution cell"
        tree = ast.parse(cell.source)
        defs = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
        assert [d.name for d in defs] == [function], f"{assignment}: cell {function!r} must define exactly the function {function}"
        assert signature(defs[0]) == expected_signature, f"{assignment}: {function}{signature(defs[0])} != contract {expected_signature}"
        docstring = ast.get_docstring(defs[0]) or ""
        for part in ("Parameters", "Returns", "Example"):
            assert part in docstring, f"{assignment}: the docstring of {function} needs a {part} section"
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_tests_are_named_pointed_and_cover_every_function(assignment):
    spec = read_assignment_spec(COURSE, assignment)
    for test in spec.tests:
        assert test.grade_id.startswith("test_"), f"{assignment}: grade cell {test.grade_id} must be named test_<function>..."
        assert test.points > 0, f"{assignment}: {test.grade_id} has no points"
    for function in CONTRACT[assignment]:
        tests = [t for t in spec.tests if t.function == function]
        assert any(not t.hidden for t in tests), f"{assignment}: {function} has no visible test"
        assert any(t.hidden for t in tests), f"{assignment}: {function} has no hidden test"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_points_in_headings_and_total_agree_with_the_tests(assignment):
    nb = source_notebook(assignment)
    by_id = cells_by_id(nb)
    spec = read_assignment_spec(COURSE, assignment)
    functions = spec.functions
    for number, function in enumerate(CONTRACT[assignment], start=1):
        statement = by_id.get(f"exercise_{function}")
        assert statement is not None, f"{assignment}: no statement cell exercise_{function}"
        points = sum(t.points for t in spec.tests if t.function == function)
        heading = re.search(r"^### Exercise (\d+): (\w+) \((\d+) points?\)", statement.source, flags=re.MULTILINE)
        assert heading, f"{assignment}: exercise_{function} must start with '### Exercise k: {function} (P points)'"
        assert heading.group(2) == function
        assert int(heading.group(3)) == points, f"{assignment}: heading says {heading.group(3)} points, tests give {points:g}"
        assert functions.index(function) + 1 == number == int(heading.group(1)), f"{assignment}: exercises out of contract order"
    total = re.search(r"\*\*Total: (\d+) points\*\*", by_id["intro"].source)
    assert total and int(total.group(1)) == spec.max_score, f"{assignment}: intro total must be **Total: {spec.max_score:g} points**"


def _hidden_region(source):
    return source.split(HIDDEN_BEGIN, 1)[1].split(HIDDEN_END, 1)[0] if HIDDEN_BEGIN in source else ""


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_test_cells_follow_the_grading_rules(assignment):
    nb = source_notebook(assignment)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta.get("grade") or meta.get("solution"):
            continue
        gid = meta["grade_id"]
        first = cell.source.splitlines()[0]
        kind = "Hidden test" if HIDDEN_BEGIN in cell.source else "Test"
        points = meta["points"]
        assert first == f"# {kind} ({points:g} point{'s' if points != 1 else ''}): " + first.split("): ", 1)[-1], (
            f"{assignment}: {gid} must start with '# {kind} ({points:g} points): ...'"
        )
        code = cell.source.replace(HIDDEN_BEGIN, "").replace(HIDDEN_END, "")
        tree = ast.parse(code)
        last = tree.body[-1]
        # nbgrader reads a displayed number as a partial score: a test never ends with a value.
        if isinstance(last, ast.Expr):
            assert isinstance(last.value, ast.Call) and getattr(last.value.func, "id", "").startswith("check_"), (
                f"{assignment}: {gid} ends with an expression; assign it (`_ = ...`) or end with a check_* call"
            )
        if kind == "Hidden test":
            visible = cell.source.split(HIDDEN_BEGIN, 1)[0]
            assert any(isinstance(n, ast.Call) for n in ast.walk(ast.parse(visible))), (
                f"{assignment}: {gid} needs a visible call of the function before the hidden region, so a stub fails it"
            )
            hidden = ast.parse(_hidden_region(cell.source))
            assert any(isinstance(n, ast.Import | ast.ImportFrom) for n in hidden.body[:3]), (
                f"{assignment}: {gid} must re-import what it uses at the start of the hidden region"
            )
            imported = {alias.asname or alias.name for node in hidden.body if isinstance(node, ast.Import | ast.ImportFrom)
                        for alias in node.names}
            used = {node.func.id for node in ast.walk(hidden) if isinstance(node, ast.Call)
                    and getattr(node.func, "id", "").startswith("check_")}
            assert used <= imported, f"{assignment}: {gid} must import {sorted(used - imported)} in its hidden region"
            for node in ast.walk(hidden):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") in CHECKS_THAT_REVEAL:
                    reveal = [k for k in node.keywords if k.arg == "reveal"]
                    assert reveal and ast.unparse(reveal[0].value) == "False", (
                        f"{assignment}: {gid}: every {node.func.id} in hidden tests needs reveal=False"
                    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_is_stored_clean_with_a_locked_setup_cell(assignment):
    nb = source_notebook(assignment)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{assignment}: source cells are stored without outputs"
    by_id = cells_by_id(nb)
    assert "setup" in by_id and nbgrader_meta(by_id["setup"]).get("locked"), f"{assignment}: needs a locked setup cell"
    assert nb.cells[0] is by_id.get("intro"), f"{assignment}: the first cell must be the locked intro (grade_id intro)"
    assert nb.cells[1] is by_id["setup"], f"{assignment}: the setup cell comes right after the intro"
    setups = [c for c in nb.cells if c.cell_type == "code" and re.search(r"^\s*(import |from \S+ import )", c.source, re.M)
              and not nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
              and not nbgrader_meta(c).get("grade_id", "").startswith("given_")]
    assert setups == [by_id["setup"]], f"{assignment}: imports belong in the setup cell only"
