"""Where a notebook's grading CPU goes: the grading process, the verdict process, and everything else.

The bench's class (``--students`` of it) is graded by the real pipeline, one submission after another in
this process (as one worker would), jailed unless ``--no-jail``. The machine's CPU is read from
``/proc/stat`` before and after, so the kernels (forked or started in jails whose processes this one never
reaps) are counted too; run it on an otherwise idle machine.

    python -m autograder.devtools.cpu_cost [--students 2] [--no-jail] [--profile FILE]

Prints, per notebook: wall seconds, the machine's CPU seconds, and the share of the grading process
(nbgrader's preprocessors, nbclient, the re-check's relay, feedback pages) and of the verdict process;
the rest is the kernels (their start, the notebook's code, the re-check's calls) and the jails. With
``--profile``, the grading process's cProfile statistics go to FILE.
"""

import argparse
import cProfile
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from autograder import grade as grading
from autograder.course import Course, make_scratch_course, venv_on_path
from autograder.devtools.bench import build_class, copy_of_class
from autograder.devtools.startup import cpu_seconds
from autograder.grading import pipeline
from autograder.grading.record import register_assignments
from autograder.release import generate

TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds():
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


def own_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.cpu_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--no-jail", action="store_true")
    parser.add_argument("--profile", help="write the grading process's cProfile statistics here")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="cpu-cost-"))
    profiler = cProfile.Profile() if args.profile else None
    seen = {}

    def one_worker_here(tasks, _workers, course_root, scratch_root, on_result):
        pipeline.init_worker(course_root, scratch_root)
        for task in tasks:
            if profiler:
                profiler.enable()
            result = pipeline.grade(task)
            if profiler:
                profiler.disable()
            verdict = pipeline._STATE.get("verdict")
            if verdict is not None and verdict.process is not None:
                seen["verdict"] = cpu_seconds(verdict.process.pid)  # with the jail's processes
            on_result(result)

    try:
        with venv_on_path():
            source = Course.at()
            assignments = source.assignments()
            master = make_scratch_course(scratch / "master", source, with_release=False)
            generate(master, assignments)
            build_class(master, args.students)
            course = copy_of_class(master, scratch / "class", args.students)
            register_assignments(course, assignments)
            grading._run_pool = one_worker_here  # this process is the only worker
            machine, own, wall = machine_cpu_seconds(), own_cpu_seconds(), time.perf_counter()
            results = grading.grade_course(course, assignments, workers=1, out=lambda *_: None,
                                           **({"jail": False} if args.no_jail else {}))
            wall, machine, own = time.perf_counter() - wall, machine_cpu_seconds() - machine, own_cpu_seconds() - own
        notebooks = sum(len(r.notebooks) for r in results)
        verdict = seen.get("verdict", 0.0)
        print(f"{notebooks} notebooks, one after another, {'without a jail' if args.no_jail else 'jailed'}")
        print(f"  wall time            {wall / notebooks:6.3f} s per notebook")
        print(f"  machine CPU          {machine / notebooks:6.3f} s per notebook")
        print(f"    grading process    {own / notebooks:6.3f}")
        print(f"    verdict process    {verdict / notebooks:6.3f}  (its start included)")
        print(f"    kernels and jails  {(machine - own - verdict) / notebooks:6.3f}  (the rest)")
        print(f"  scores: {sum(r.score for r in results):g} of {sum(r.max_score for r in results):g}, "
              f"{sum(len(r.flags) for r in results)} flag(s)")
        if profiler:
            profiler.dump_stats(args.profile)
            print(f"  profile of the grading process: {args.profile}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
