"""Where a notebook's grading CPU goes: the grading process, the verdict process, and everything else.

The bench's class (``--students`` of it) is graded by the real pipeline, one submission after another in
this process (as one worker would), jailed unless ``--no-jail``. The machine's CPU is read from
``/proc/stat`` before and after, so the kernels (forked or started in jails whose processes this one never
reaps) are counted too; run it on an otherwise idle machine.

    python -m autograder.devtools.cpu_cost [--students 2] [--no-jail] [--leave-out recheck,probes] [--profile FILE]

Prints, per notebook: wall seconds, the machine's CPU seconds, and the share of the grading process
(nbgrader's preprocessors, nbclient, the re-check's relay, feedback pages) and of the verdict process;
the kernel template and the kernels it forked (their start, the notebook's code, the re-check's calls);
then how many requests each notebook sends its kernel, and what one request that does nothing costs
(measured in the same run on a kernel started as grading starts one), which is the part of the CPU the
Jupyter protocol takes whatever the notebook does. With ``--profile``, the grading process's cProfile
statistics go to FILE.

``--leave-out`` measures what a safeguard costs by grading without it (never do this for a class):
``recheck`` drops the trusted re-check (the kernel runs each whole test cell, hidden tests included, as
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

from jupyter_client.asynchronous import AsyncKernelClient

from autograder import grade as grading
from autograder.course import venv_on_path
from autograder.devtools.bench import copy_of_class, simulated_class
from autograder.devtools.recheck_cost import without_recheck
from autograder.devtools.startup import cpu_seconds, process_times
from autograder.grading import jail, pipeline
from autograder.grading.jail import Limits
from autograder.grading.kernels import KernelPool, install_kernelspec
from autograder.grading.record import register_assignments

TICKS = os.sysconf("SC_CLK_TCK")
REQUEST_KINDS = {"cells": "cells", "calls": "re-check calls", "grader": "probes and set-up"}


def machine_cpu_seconds():
    """CPU seconds the whole machine has spent busy (not idle, not waiting for I/O) since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


def template_cpu_seconds(template):
    """The template process's own CPU, and that of the kernels it forked and has reaped (their jails' builders
    included): (own, reaped)."""
    for pid in jail.process_tree(template.process.pid):  # bubblewrap's first: the template is the first Python
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/comm").read_text().startswith("python"):
                return process_times(pid)
    return 0.0, 0.0


def own_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def counted_requests(counts):
    """Count the execution requests sent to kernels, by kind: the notebook's cells, the re-check's calls (they
    read their answer as user expressions) and the grader's own silent requests (the probes, the set-up)."""
    original = AsyncKernelClient.execute

    def execute(client, code, silent=False, *args, **kwargs):
        kind = "calls" if kwargs.get("user_expressions") else "grader" if silent else "cells"
        counts[kind] = counts.get(kind, 0) + 1
        return original(client, code, silent, *args, **kwargs)

    AsyncKernelClient.execute = execute
    try:
        yield counts
    finally:
        AsyncKernelClient.execute = original


def request_cost(course_root, scratch, jailed, repeats=200):
    """CPU seconds one request costs the kernel and the grading process, for a request that does nothing
    (``pass``, silent): what the Jupyter protocol itself costs, on a kernel as grading starts it."""
    from jupyter_core.utils import run_sync

    Path(scratch).mkdir(parents=True, exist_ok=True)
    install_kernelspec(scratch)
    pool = KernelPool()
    slot = pool.take(course_root, scratch, Limits(jail=jailed))
    client = slot.km.client()
    client.start_channels()

    async def requests(count):
        for _ in range(count):
            msg_id = client.execute("pass", silent=True, store_history=False)
            while (await client.shell_channel.get_msg(timeout=30))["parent_header"].get("msg_id") != msg_id:
                pass

    try:
        run_sync(client.wait_for_ready)(timeout=120)
        run_sync(requests)(20)
        pid = slot.km.provisioner.process.pid
        kernel, own = cpu_seconds(pid), own_cpu_seconds()
        run_sync(requests)(repeats)
        return (cpu_seconds(pid) - kernel) / repeats, (own_cpu_seconds() - own) / repeats
    finally:
        pool.dispose(slot, client)
        pool.close()


@contextlib.contextmanager
def safeguards_left_out(left_out):
    """Grade without the named safeguards (see the module's doc), for measuring what they cost."""
    original_executor = pipeline.make_executor

    def make_executor(config, **kwargs):
        executor = original_executor(config, **kwargs)
        executor._probe = lambda: None
        return executor

    with contextlib.ExitStack() as switches:
        if "recheck" in left_out:
            switches.enter_context(without_recheck())
        if "probes" in left_out:
            switches.enter_context(mock.patch.object(pipeline, "make_executor", make_executor))
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
            template = pipeline._STATE["kernels"].template
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
            in_kernel, in_grader = request_cost(course.root, scratch / "requests", not args.no_jail)
        notebooks = sum(len(r.notebooks) for r in results)
        verdict = seen.get("verdict", 0.0)
        template, kernels = seen.get("template", (0.0, 0.0))
        print(f"{notebooks} notebooks, one after another, {'without a jail' if args.no_jail else 'jailed'}"
              + (f", without {' and '.join(sorted(left_out))}" if left_out else ""))
        print(f"  wall time            {wall / notebooks:6.3f} s per notebook")
        print(f"  machine CPU          {machine / notebooks:6.3f} s per notebook")
        print(f"    grading process    {own / notebooks:6.3f}")
        print(f"    verdict process    {verdict / notebooks:6.3f}  (its start included)")
        print(f"    kernel template    {template / notebooks:6.3f}  (its start included)")
        print(f"    kernels            {kernels / notebooks:6.3f}  (each with its jail, the notebook's code, the re-check's calls)")
        print(f"    the rest           {(machine - own - verdict - template - kernels) / notebooks:6.3f}  "
              "(kernels in their own jails, the operating system's work)")
        requests = sum(counts.values())
        print(f"  requests to the kernel {requests / notebooks:5.1f} per notebook: "
              + ", ".join(f"{counts.get(kind, 0) / notebooks:.1f} {label}" for kind, label in REQUEST_KINDS.items()))
        print(f"  one request that does nothing costs {1000 * in_kernel:.2f} ms of kernel CPU and {1000 * in_grader:.2f} ms "
              f"in the grading process: {requests / notebooks * (in_kernel + in_grader):.3f} s per notebook")
        print(f"  scores: {sum(r.score for r in results):g} of {sum(r.max_score for r in results):g}, "
              f"{sum(len(r.flags) for r in results)} flag(s)")
        if profiler:
            profiler.dump_stats(args.profile)
            print(f"  profile of the grading process: {args.profile}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
