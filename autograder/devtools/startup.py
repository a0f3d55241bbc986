"""What one runner costs to start: the worker's template (once), a runner forked from it, a runner in its own jail.

Each runner is timed until it answers its first request (an empty cell), in wall seconds and in the CPU
seconds of its processes; a runner started in a jail of its own (bubblewrap, a fresh interpreter, the
imports) is the alternative the template replaces, measured in the same run.

    python -m autograder.devtools.startup [--repeats 5] [--no-jail]
"""

import argparse
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from autograder.course import Course
from autograder.grading import jail
from autograder.grading.jail import Limits
from autograder.grading.pool import RunnerPool

TICKS = os.sysconf("SC_CLK_TCK")


def process_times(pid):
    """(user and system CPU seconds of process ``pid`` itself, those of its children it has waited for), from
    /proc's utime and stime, cutime and cstime; OSError when it is gone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS, (int(fields[13]) + int(fields[14])) / TICKS


def cpu_seconds(pid):
    """User and system CPU of a process and its live descendants (the template's runners excluded)."""
    total = 0.0
    for current in jail.process_tree(pid):
        with contextlib.suppress(OSError):
            total += process_times(current)[0]
    return total


def time_runners(pool, course_root, scratch, limits, repeats):
    """Median wall and CPU seconds from asking ``pool`` for a runner until it has answered its first request."""
    walls, cpus = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        slot = pool.take(course_root, scratch, limits)
        slot.runner.request("run", b"pass", time.monotonic() + 120)
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds(slot.process.pid if slot.process else slot.runner.pid))
        pool.dispose(slot)
    return statistics.median(walls), statistics.median(cpus)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-jail", action="store_true")
    args = parser.parse_args(argv)
    course = Course.at()
    scratch = tempfile.mkdtemp(prefix="startup-")
    limits = Limits(jail=not args.no_jail)
    forking, own_jails = RunnerPool(), RunnerPool(use_template=False)
    try:
        started = time.perf_counter()
        template = forking._template(course.root, limits)
        template_wall, template_cpu = time.perf_counter() - started, cpu_seconds(template.process.pid)
        forked = time_runners(forking, course.root, scratch, limits, args.repeats)
        own = time_runners(own_jails, course.root, scratch, limits, args.repeats) if limits.jail else None
    finally:
        forking.close()
        own_jails.close()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{'':34} {'wall s':>8} {'CPU s':>8}")
    print(f"{'template (once per worker)':34} {template_wall:8.3f} {template_cpu:8.3f}")
    print(f"{'runner forked from it (median)':34} {forked[0]:8.3f} {forked[1]:8.3f}")
    if own:
        print(f"{'runner in a jail of its own':34} {own[0]:8.3f} {own[1]:8.3f}")
        print(f"a forked runner costs {forked[1] / own[1]:.2f} of the CPU of one started in its own jail")


if __name__ == "__main__":
    main()
