"""The pages that list the course's assignments list all of them: the README's course table is written by
hand, so a test holds it to the assignments found in source/ and to the contract."""

import re

import pytest
from conftest import ASSIGNMENTS, ROOT

from autograder.contract import CONTRACT


def readme_course_table():
    """{number: the row's cells} of the table under '## The course' in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The course", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and re.fullmatch(r"\d\d", cells[0]):
            rows[cells[0]] = cells
    return rows


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_readme_lists_every_assignment_with_its_functions(assignment):
    rows = readme_course_table()
    number = assignment[:2]
    assert number in rows, f"README.md's course table has no row {number} for {assignment}"
    listed = set(re.findall(r"`(\w+)`", rows[number][-1]))
    missing = [function for function in CONTRACT[assignment] if function not in listed]
    assert not missing, f"README.md's row {number} does not name {missing}"


def test_readme_has_no_row_without_an_assignment():
    numbers = {assignment[:2] for assignment in ASSIGNMENTS}
    assert set(readme_course_table()) <= numbers
