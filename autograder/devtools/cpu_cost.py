"""Where a notebook's grading CPU goes: the grading process, the verdict process, and everything else.

The bench's class (``--students`` of it) is graded by the real pipeline, one submission after another in
this process (as one worker would), jailed unless ``--no-jail``. The machine's CPU is read from
``/proc/stat`` before and after, so the runners (forked or started in jails whose processes this one never
reaps) are counted too; run it on an otherwise idle machine.

    python -m autograder.devtools.cpu_cost [--students 2] [--no-jail] [--leave-out recheck,probes] [--profile FILE]

Prints, per notebook: wall seconds, the machine's CPU seconds, and the share of the grading process
(nbgrader's preprocessors, the executor, the re-check's relay, feedback pages) and of the verdict process;
the runner template and the runners it forked (their start, the notebook's code, the re-check's calls);
then how many requests each notebook sends its runner, and what one request that does (almost) nothing
costs (an empty cell, measured in the same run on a runner started as grading starts one), which is the
part of the CPU the protocol takes whatever the notebook does. With ``--profile``, the grading process's cProfile
statistics go to FILE.

``--leave-out`` measures what a safeguard costs by grading without it (never do this for a class):
``recheck`` drops the trusted re-check (the runner runs each whole test cell, hidden tests included, as
plain nbgrader does, and the verdict process never starts), ``probes`` the integrity probe after each
test cell (so every notebook is then flagged: its integrity check did not run).
"""

import argparse
import contextlib
import cProfile
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path
from unittest import mock

from autograder import grade as grading
from autograder.course import venv_on_path
from autograder.devtools.bench import copy_of_class, simulated_class
from autograder.devtools.recheck_cost import without_recheck
from autograder.devtools.startup import cpu_seconds, process_times
from autograder.grading import jail, pipeline
from autograder.grading.executor import NotebookExecution
from autograder.grading.jail import Limits
from autograder.grading.pool import Runner, RunnerPool
from autograder.grading.record import register_assignments

TICKS = os.sysconf("SC_CLK_TCK")
REQUEST_KINDS = {"cells": "cells", "calls": "re-check calls", "grader": "probes and set-up"}


def machine_cpu_seconds():
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


def template_cpu_seconds(template):
    """The template process's own CPU, and that of the runners it forked and has reaped (their jails' builders
    included): (own, reaped)."""
    for pid in jail.process_tree(template.process.pid):  # bubblewrap's first: the template is the first Python
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/comm").read_text().startswith("python"):
                return process_times(pid)
    return 0.0, 0.0


def own_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


OPERATION_KINDS = {"run": "cells", "call": "calls"}  # everything else (set-up, probes) is the grader's own


@contextlib.contextmanager
def counted_requests(counts):
    """Count the requests sent to runners, by kind: the notebook's cells, the re-check's calls and the grader's
    own requests (the set-up, the probes)."""
    with mock.patch.object(Runner, "request", autospec=True, side_effect=Runner.request) as request:
        yield counts
    for call in request.call_args_list:
        kind = OPERATION_KINDS.get(call.args[1], "grader")
        counts[kind] = counts.get(kind, 0) + 1


def request_cost(course_root, scratch, jailed, repeats=200):
    """CPU seconds one request costs the runner and the grading process, for a request that does almost nothing
    (an empty cell): what the protocol itself costs, on a runner as grading starts it."""
    Path(scratch).mkdir(parents=True, exist_ok=True)
    pool = RunnerPool()
    slot = pool.take(course_root, scratch, Limits(jail=jailed))

    def requests(count):
        for _ in range(count):
            slot.runner.request("run", b"pass", time.monotonic() + 30)

    try:
        requests(20)
        runner, own = cpu_seconds(slot.runner.pid), own_cpu_seconds()
        requests(repeats)
        return (cpu_seconds(slot.runner.pid) - runner) / repeats, (own_cpu_seconds() - own) / repeats
    finally:
        pool.dispose(slot)
        pool.close()


@contextlib.contextmanager
def safeguards_left_out(left_out):
    """Grade without the named safeguards (see the module's doc), for measuring what they cost."""
    with contextlib.ExitStack() as switches:
        if "recheck" in left_out:
            switches.enter_context(without_recheck())
        if "probes" in left_out:
            switches.enter_context(mock.patch.object(NotebookExecution, "_probe", lambda self: None))
        yield


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.cpu_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--no-jail", action="store_true")
    parser.add_argument("--leave-out", default="", help="safeguards to grade without, to measure their cost: "
                        "recheck, probes (comma-separated)")
    parser.add_argument("--profile", help="write the grading process's cProfile statistics here")
    args = parser.parse_args(argv)
    left_out = {name.strip() for name in args.leave_out.split(",") if name.strip()}
    if left_out - {"recheck", "probes"}:
        parser.error(f"--leave-out knows recheck and probes, not {', '.join(sorted(left_out - {'recheck', 'probes'}))}")
    scratch = Path(tempfile.mkdtemp(prefix="cpu-cost-"))
    profiler = cProfile.Profile() if args.profile else None
    seen = {}
    counts = {}

    def one_worker_here(tasks, _workers, course_root, scratch_root, on_result):
        pipeline.init_worker(course_root, scratch_root)
        for task in tasks:
            if profiler:
                profiler.enable()
            result = pipeline.grade(task)
            if profiler:
                profiler.disable()
            template = pipeline._STATE["runners"].template
            if template is not None and template.alive():
                seen["template"] = template_cpu_seconds(template)
            verdict = pipeline._STATE.get("verdict")
            if verdict is not None and verdict.process is not None:
                seen["verdict"] = cpu_seconds(verdict.process.pid)  # with the jail's processes
            on_result(result)

    try:
        with venv_on_path():
            master, _ = simulated_class(scratch / "master", args.students)
            assignments = master.assignments()
            course = copy_of_class(master, scratch / "class", args.students)
            register_assignments(course, assignments)
            grading._run_pool = one_worker_here  # this process is the only worker
            machine, own, wall = machine_cpu_seconds(), own_cpu_seconds(), time.perf_counter()
            with counted_requests(counts), safeguards_left_out(left_out):
                results = grading.grade_course(course, assignments, workers=1, out=lambda *_: None,
                                               **({"jail": False} if args.no_jail else {}))
            wall, machine, own = time.perf_counter() - wall, machine_cpu_seconds() - machine, own_cpu_seconds() - own
            in_runner, in_grader = request_cost(course.root, scratch / "requests", not args.no_jail)
        notebooks = sum(len(r.notebooks) for r in results)
        verdict = seen.get("verdict", 0.0)
        template, runners = seen.get("template", (0.0, 0.0))
        print(f"{notebooks} notebooks, one after another, {'without a jail' if args.no_jail else 'jailed'}"
              + (f", without {' and '.join(sorted(left_out))}" if left_out else ""))
        print(f"  wall time            {wall / notebooks:6.3f} s per notebook")
        print(f"  machine CPU          {machine / notebooks:6.3f} s per notebook")
        print(f"    grading process    {own / notebooks:6.3f}")
        print(f"    verdict process    {verdict / notebooks:6.3f}  (its start included)")
        print(f"    runner template    {template / notebooks:6.3f}  (its start included)")
        print(f"    runners            {runners / notebooks:6.3f}  (each with its jail, the notebook's code, the re-check's calls)")
        print(f"    the rest           {(machine - own - verdict - template - runners) / notebooks:6.3f}  "
              "(runners in their own jails, the operating system's work)")
        requests = sum(counts.values())
        print(f"  requests to the runner {requests / notebooks:5.1f} per notebook: "
              + ", ".join(f"{counts.get(kind, 0) / notebooks:.1f} {label}" for kind, label in REQUEST_KINDS.items()))
        print(f"  an empty cell costs {1000 * in_runner:.2f} ms of the runner's CPU and {1000 * in_grader:.2f} ms "
              f"in the grading process: {requests / notebooks * (in_runner + in_grader):.3f} s per notebook")
        print(f"  scores: {sum(r.score for r in results):g} of {sum(r.max_score for r in results):g}, "
              f"{sum(len(r.flags) for r in results)} flag(s)")
        if profiler:
            profiler.dump_stats(args.profile)
            print(f"  profile of the grading process: {args.profile}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
