"""What one kernel costs to start: the worker's template (once), a kernel forked from it, a kernel in its own jail.

Each kernel is timed until it answers ``kernel_info`` (ready for the first cell), in wall seconds and in
the CPU seconds of its processes; a kernel started in a jail of its own (bubblewrap, a fresh interpreter,
the imports) is the alternative the template replaces, measured in the same run, and so is jupyter_client's
own wait for a ready kernel, which the grader's client (``GreetedKernelClient``) replaces.

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

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import run_sync

from autograder.course import Course
from autograder.grading import jail
from autograder.grading.jail import Limits
from autograder.grading.kernels import KernelPool, install_kernelspec

TICKS = os.sysconf("SC_CLK_TCK")


def process_times(pid):
    """(user and system CPU seconds of process ``pid`` itself, those of its children it has waited for), from
    /proc's utime and stime, cutime and cstime; OSError when it is gone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS, (int(fields[13]) + int(fields[14])) / TICKS


def cpu_seconds(pid):
    """User and system CPU of a process and its live descendants (the template's kernels excluded)."""
    total = 0.0
    for current in jail.process_tree(pid):
        with contextlib.suppress(OSError):
            total += process_times(current)[0]
    return total


def jupyter_clients_own(km):
    """A client of ``km``'s kernel as jupyter_client makes one: its own wait for a ready kernel, ZeroMQ's defaults."""
    return AsyncKernelClient(**km.get_connection_info(session=True), parent=km)


def time_kernels(pool, course_root, scratch, limits, repeats, make_client=None):
    """Median wall and CPU seconds from asking ``pool`` for a kernel until it answers; by default the client is
    the one grading uses (``make_client`` gives another)."""
    walls, cpus = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        slot = pool.take(course_root, scratch, limits)
        client = make_client(slot.km) if make_client else slot.km.client()
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=120)
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds(slot.km.provisioner.process.pid))
        pool.dispose(slot, client)
    return statistics.median(walls), statistics.median(cpus)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-jail", action="store_true")
    args = parser.parse_args(argv)
    course = Course.at()
    scratch = tempfile.mkdtemp(prefix="startup-")
    limits = Limits(jail=not args.no_jail)
    forking, own_jails = KernelPool(), KernelPool(use_template=False)
    try:
        install_kernelspec(scratch)
        started = time.perf_counter()
        template = forking._template(course.root, limits)
        template_wall, template_cpu = time.perf_counter() - started, cpu_seconds(template.process.pid)
        forked = time_kernels(forking, course.root, scratch, limits, args.repeats)
        waited = time_kernels(forking, course.root, scratch, limits, args.repeats, make_client=jupyter_clients_own)
        own = time_kernels(own_jails, course.root, scratch, limits, args.repeats) if limits.jail else None
    finally:
        forking.close()
        own_jails.close()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{'':34} {'wall s':>8} {'CPU s':>8}")
    print(f"{'template (once per worker)':34} {template_wall:8.3f} {template_cpu:8.3f}")
    print(f"{'kernel forked from it (median)':34} {forked[0]:8.3f} {forked[1]:8.3f}")
    print(f"{'  the same, jupyter_client waiting':34} {waited[0]:8.3f} {waited[1]:8.3f}")
    if own:
        print(f"{'kernel in a jail of its own':34} {own[0]:8.3f} {own[1]:8.3f}")
        print(f"a forked kernel costs {forked[1] / own[1]:.2f} of the CPU of one started in its own jail")
    print(f"waiting for the kernel's greeting: ready in {forked[0] / waited[0]:.2f} of the wall time of "
          "jupyter_client's own wait")


if __name__ == "__main__":
    main()
