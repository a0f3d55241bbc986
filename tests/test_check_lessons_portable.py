"""The "other machines" that `make test` runs the lessons on are really other machines.

scripts/check_lessons_portable.py forces OpenBLAS kernels, thread counts and NumPy's SIMD loops
through environment variables; these tests check that each one takes effect in a fresh interpreter
(what a Jupyter kernel is), and that a setting that is ignored stops the check instead of
silently running the default machine again.
"""

import os

import check_lessons_portable as portable
import pytest


@pytest.mark.parametrize("machine", portable.MACHINES, ids=lambda m: m.name)
def test_each_imitated_machine_really_runs_its_kernel_threads_and_loops(machine):
    seen = portable.probe({**os.environ, **machine.env()})
    assert portable.settings_took_effect(machine, seen) == []
    assert [entry[1:] for entry in seen["blas"] if entry[0] == "openblas"] == [[machine.blas_kernel, machine.blas_threads]]


def test_the_imitated_machines_differ_from_each_other():
    # (Whether they differ from the default depends on the CPU the tests run on: on an AVX2 machine
    # the second one is the default.)
    imitated = [portable.probe({**os.environ, **m.env()}) for m in portable.MACHINES]
    kernels_and_loops = {(tuple(map(tuple, seen["blas"])), tuple(seen["simd"])) for seen in imitated}
    assert len(kernels_and_loops) == len(portable.MACHINES)


def test_an_ignored_setting_is_reported_by_name():
    machine = portable.MACHINES[0]
    seen = {"blas": [["openblas", "SkylakeX", 2]], "simd": ["X86_V2", "X86_V4"]}
    problems = portable.settings_took_effect(machine, seen)
    assert any("SkylakeX kernel, not Katmai" in p for p in problems)
    assert any("2 threads, not 1" in p for p in problems)
    assert any("X86_V4" in p for p in problems)
    assert portable.settings_took_effect(machine, {"blas": [["mkl", None, 1]], "simd": []}) == [
        "NumPy does not use OpenBLAS here ([['mkl', None, 1]]): OPENBLAS_CORETYPE has no effect"]


def test_nbval_compares_outputs_with_the_course_sanitizer():
    command = portable.nbval_command(["notebooks"], workers=2)
    assert "--nbval" in command and "--nbval-lax" not in command
    assert command[command.index("--nbval-sanitize-with") + 1] == "tests/nbval_sanitize.cfg"
