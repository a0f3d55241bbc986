"""release/ is exactly what nbgrader makes from source/ now, and it is proven:
solutions pass every test, unanswered stubs fail every test for the right reason."""

import filecmp

import pytest
from conftest import ASSIGNMENTS, COURSE

from autograder.release import generate, prove

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_up_to_date(assignment, tmp_path):
    generate(COURSE, [assignment], into=tmp_path)
    fresh, committed = tmp_path / assignment, COURSE.release_dir / assignment
    assert committed.is_dir(), f"release/{assignment} is missing: run `make release` and commit it"
    comparison = filecmp.dircmp(fresh, committed)
    assert not comparison.left_only and not comparison.right_only, f"release/{assignment} has different files: run `make release`"
    for name in comparison.common_files:
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), (
            f"release/{assignment}/{name} is stale: source/ changed since it was generated. Run `make release` and commit."
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_proven(assignment):
    proof = prove(COURSE, assignment)
    assert proof.ok, "\n".join(proof.problems)
