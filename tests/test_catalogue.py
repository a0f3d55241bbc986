"""The self-test catalogue is well formed and covers every function of the contract.
(`python -m autograder selftest`, run by `make test`, grades it through the real pipeline.)"""

from collections import Counter

import pytest
from conftest import COURSE

from autograder.contract import CONTRACT
from autograder.devtools.catalogue import CATALOGUE_DIR, CatalogueError, load_cases, parse_case
from autograder.devtools.selftest import check_catalogue

CASES = load_cases()


def test_every_case_names_a_real_function_and_real_tests():
    assert check_catalogue(COURSE, CASES) == []


@pytest.mark.parametrize(("assignment", "function"), [(a, f) for a, fs in CONTRACT.items() for f in fs])
def test_every_function_has_three_wrong_answers_and_one_different_correct_one(assignment, function):
    kinds = Counter(c.expect for c in CASES if c.assignment == assignment and c.function == function)
    assert kinds["wrong"] >= 3 and kinds["correct"] >= 1, f"{assignment}.{function}: {dict(kinds)}"


def test_the_catalogue_includes_tampering():
    assert sum(c.expect == "tampered" for c in CASES) >= 3


def test_a_malformed_case_is_reported_with_its_problems(tmp_path):
    case = tmp_path / "bad.py"
    case.write_text('"""Half a header.\n\nexpect: sometimes\n"""\n')
    with pytest.raises(CatalogueError, match="no 'function:' line; 'expect:' must be one of"):
        parse_case(case, "01_admissions")


def test_the_catalogue_is_not_a_package():
    # It is data for the self-test, never importable, and never shipped to students.
    assert not (CATALOGUE_DIR / "__init__.py").exists()


def test_correct_answers_share_submissions_one_per_function_and_each_once():
    from autograder.devtools.selftest import correct_groups

    groups = correct_groups(CASES)
    grouped = [case.id for members in groups.values() for case in members]
    assert sorted(grouped) == sorted(c.id for c in CASES if c.expect == "correct")
    for student, members in groups.items():
        assert len({c.assignment for c in members}) == 1, student
        assert len({c.function for c in members}) == len(members), student
    # The most correct answers any one function has, summed over assignments: 35 for 80 cases today.
    assert len(groups) < sum(c.expect == "correct" for c in CASES)
