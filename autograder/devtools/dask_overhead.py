"""What Dask costs: the same class graded by the local pool and by a local Dask cluster, in one run.

Two identical scratch courses get the bench's simulated class (every assignment); one is graded by
``grade_course(workers=N)`` (the local process pool), the other by ``grade_on_local_cluster(course, N)``
(a ``LocalCluster`` of N single-threaded worker processes, its start and stop included). Every test
cell's score must agree; it prints both wall times and their ratio.

    python -m autograder.devtools.dask_overhead [--students 4] [--workers 2]
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from autograder.course import Course, make_scratch_course, venv_on_path
from autograder.devtools.bench import build_class, scores
from autograder.grade import grade_course
from autograder.grading.cluster import grade_on_local_cluster
from autograder.grading.record import register_assignments
from autograder.release import generate


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
            pool = make_scratch_course(scratch / "pool", source, with_release=False)
            generate(pool, assignments)
            notebooks = build_class(pool, args.students)
            dask = make_scratch_course(scratch / "dask", source, with_release=False)
            shutil.copytree(pool.release_dir, dask.release_dir)
            shutil.copytree(pool.submitted_dir, dask.submitted_dir)
            for course in (pool, dask):
                register_assignments(course, assignments)
            print(f"{args.students} students x {len(assignments)} assignments = {notebooks} notebooks, "
                  f"{args.workers} workers", flush=True)

            started = time.perf_counter()
            grade_course(pool, assignments, workers=args.workers, out=lambda *_: None)
            pool_seconds = time.perf_counter() - started
            print(f"local pool:         {pool_seconds:7.1f} s", flush=True)
            _, dask_seconds = grade_on_local_cluster(dask, args.workers, assignments=assignments, out=lambda *_: None)
            print(f"Dask LocalCluster:  {dask_seconds:7.1f} s (cluster start and stop included)")
        expected, got = scores(pool), scores(dask)
        differences = [key for key in expected if expected[key] != got.get(key)]
        print(f"Dask / local pool:  {dask_seconds / pool_seconds:7.2f}x "
              f"({(dask_seconds - pool_seconds) / notebooks:+.2f} s per notebook)")
        print(f"scores: {len(expected)} test cells compared, {len(differences)} different")
        return 1 if differences or len(got) != len(expected) else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
