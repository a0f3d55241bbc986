"""What Dask costs: the same class graded by the local pool and by a local Dask cluster, in one run.

Two identical scratch courses get the bench's simulated class (every assignment); one is graded by
``grade_course(workers=N)`` (the local process pool), the other by ``grade_on_local_cluster(course, N)``
(a ``LocalCluster`` of N single-threaded worker processes, its start and stop included). Every test
cell's score must agree; it prints the wall and CPU seconds of both and their ratios.

    python -m autograder.devtools.dask_overhead [--students 4] [--workers 2]
"""

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from autograder.course import Course, venv_on_path
from autograder.devtools.bench import copy_of_class, differences, scores, simulated_class
from autograder.grade import grade_course
from autograder.grading.cluster import grade_on_local_cluster
from autograder.grading.record import register_assignments


def _cpu_seconds():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(work):
    wall, cpu = time.perf_counter(), _cpu_seconds()
    work()
    return time.perf_counter() - wall, _cpu_seconds() - cpu


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.dask_overhead",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    source = Course.at()
    assignments = source.assignments()
    scratch = Path(tempfile.mkdtemp(prefix="dask-overhead-"))
    os.environ["NNHELPERS_PROGRESS"] = "off"
    try:
        with venv_on_path():
            pool, notebooks = simulated_class(scratch / "pool", args.students)
            dask = copy_of_class(pool, scratch / "dask", args.students)
            for course in (pool, dask):
                register_assignments(course, assignments)
            print(f"{args.students} students x {len(assignments)} assignments = {notebooks} notebooks, "
                  f"{args.workers} workers", flush=True)

            # CPU seconds as well as wall time: on a shared machine the wall time of two runs one after
            # the other also measures what the neighbours did meanwhile; CPU time (this process and
            # every process it waited for: workers, nannies, runners) much less so.
            pool_wall, pool_cpu = _timed(lambda: grade_course(pool, assignments, workers=args.workers,
                                                              out=lambda *_: None))
            print(f"local pool:         {pool_wall:7.1f} s wall {pool_cpu:7.1f} s CPU", flush=True)
            dask_wall, dask_cpu = _timed(lambda: grade_on_local_cluster(dask, args.workers, assignments=assignments,
                                                                        out=lambda *_: None))
            print(f"Dask LocalCluster:  {dask_wall:7.1f} s wall {dask_cpu:7.1f} s CPU (cluster start and stop included)")
        expected, got = scores(pool), scores(dask)
        different = differences(expected, got)
        print(f"Dask / local pool:  {dask_wall / pool_wall:7.2f}x wall, {dask_cpu / pool_cpu:.2f}x CPU "
              f"({(dask_cpu - pool_cpu) / notebooks:+.2f} CPU s per notebook)")
        print(f"scores: {len(expected)} test cells compared, {len(different)} different")
        return 1 if different else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
