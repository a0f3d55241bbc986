"""The self-test catalogue: known wrong answers and different correct answers, one file each.

``autograder/catalogue/<assignment>/<case>.py`` replaces one solution cell. Its module docstring
starts with a one-line description, then ``key: value`` lines:

- ``function``: the solution cell (grade_id) it replaces
- ``expect``: ``wrong`` (must lose points), ``correct`` (must get full marks) or ``tampered``
  (a wrong answer that also tries to fool the checks: must lose points and be flagged)
- ``must_fail``: for ``wrong``/``tampered``, comma-separated tests that must lose points
"""

import ast
from dataclasses import dataclass
from pathlib import Path

# The catalogue stays beside the package (autograder/catalogue/), where its authors add cases.
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "catalogue"
EXPECTATIONS = {"wrong", "correct", "tampered"}


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Case:
    assignment: str
    name: str
    path: Path
    description: str
    function: str
    expect: str
    must_fail: tuple
    code: str

    @property
    def id(self):
        return f"{self.assignment}/{self.name}"


def parse_case(path, assignment):
    code = path.read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(code)) or ""
    lines = [line.strip() for line in docstring.splitlines()]
    fields = {}
    for line in lines[1:]:
        key, sep, value = line.partition(":")
        if sep and key in {"function", "expect", "must_fail"}:
            fields[key] = value.strip()
    problems = []
    if not lines or not lines[0]:
        problems.append("the docstring must start with a one-line description")
    if "function" not in fields:
        problems.append("no 'function:' line")
    if fields.get("expect") not in EXPECTATIONS:
        problems.append(f"'expect:' must be one of {sorted(EXPECTATIONS)}")
    must_fail = tuple(t.strip() for t in fields.get("must_fail", "").split(",") if t.strip())
    if fields.get("expect") in {"wrong", "tampered"} and not must_fail:
        problems.append("a wrong answer names the test(s) that must catch it in 'must_fail:'")
    if problems:
        raise CatalogueError(f"{path}: " + "; ".join(problems))
    return Case(assignment, path.stem, path, lines[0], fields["function"], fields["expect"], must_fail, code)


def load_cases(assignments=None, catalogue_dir=CATALOGUE_DIR):
    cases = []
    for folder in sorted(p for p in Path(catalogue_dir).iterdir() if p.is_dir()):
        if assignments and folder.name not in assignments:
            continue
        cases.extend(parse_case(path, folder.name) for path in sorted(folder.glob("*.py")))
    return cases
