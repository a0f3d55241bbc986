"""Soak test: grade many submissions on a few workers and watch for leaks (``make soak``).

A simulated class (every assignment, like the demo's mixture: right answers, answers written
differently, the catalogue's mistakes, and on a fixed share of submissions a crash, an endless loop
or a memory hog) is graded in one run with ``grade_course``. While it runs, the grading process's
workers are sampled every second: open file descriptors and resident memory. At the end it checks:

- no correct submission (the perfect ones and every "right, written differently") is ungradable or
  loses a point;
- each worker's descriptors and memory are flat: over the last fifth of the run their median and their
  peak stay within a small margin of the median and peak over the fifth after warm-up (a worker's
  descriptors swing by tens from one notebook to the next as runners open and close their sockets, so
  one sample against another says nothing; a leak lifts the whole window);
- nothing is left: no bubblewrap or runner process, no pids cgroup of the grader, no scratch folder.

    python -m autograder.devtools.soak [--submissions 1000] [--workers 2] [--keep]
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from autograder.course import Course, make_scratch_course, venv_on_path
from autograder.devtools.catalogue import load_cases
from autograder.devtools.simulate import answered_notebook, typical_submission, write_submission
from autograder.grade import grade_course
from autograder.grading.jail import PIDS_CGROUP_ROOT
from autograder.release import generate

SEED = 7
# Descriptors may move by a few (a log file, a warm runner's socket); memory by allocator noise.
FD_MARGIN = 8
RSS_MARGIN = 64 * 1024**2
TROUBLE = {
    "crash": "\nimport os\nos._exit(1)\n",
    "endless": "\nwhile True:\n    pass\n",
    "memory": "\nhoard = bytearray(3 * 1024**3)\n",
}


def build(course, submissions):
    """Write the submissions; returns {(student, assignment): kind} with kind 'correct', 'typical' or a TROUBLE key."""
    cases = load_cases(course.assignments())
    rng = random.Random(SEED)
    assignments = course.assignments()
    kinds = {}
    for number in range(submissions):
        assignment = assignments[number % len(assignments)]
        student = f"soak{number // len(assignments):04d}"
        draw = rng.random()
        if draw < 0.15:
            nb, kind = answered_notebook(course, assignment), "correct"
        elif draw < 0.21:
            kind = rng.choice(sorted(TROUBLE))
            release = answered_notebook(course, assignment)
            function, source = next((c.metadata["nbgrader"]["grade_id"], c.source) for c in release.cells
                                    if c.metadata.get("nbgrader", {}).get("solution"))
            nb = answered_notebook(course, assignment, replacements={function: source + TROUBLE[kind]})
        else:
            nb, story = typical_submission(course, assignment, cases, rng)
            kind = "correct" if story in ("all right",) or story.startswith("right, written") else "typical"
        write_submission(course, student, assignment, nb)
        kinds[(student, assignment)] = kind
    return kinds


class Sampler:
    """Samples the grading process's worker processes: {pid: [(t, fds, rss)]}."""

    def __init__(self, interval=1.0, progress=None, every=120):
        self.samples = {}
        self.progress = progress
        self.every = every
        self.interval = interval
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = psutil.Process()
        started = time.monotonic()
        reported = started
        while not self.stop.wait(self.interval):
            if self.progress and time.monotonic() - reported > self.every:
                reported = time.monotonic()
                latest = {pid: s[-1] for pid, s in self.samples.items() if s and s[-1][0] > reported - started - 5}
                print(f"  {time.monotonic() - started:6.0f} s: {self.progress()} graded; workers (descriptors, MiB): "
                      + ", ".join(f"{fds}/{rss >> 20}" for _t, fds, rss in latest.values()), flush=True)
            for child in me.children():
                try:
                    if "python" not in child.name() or "resource_tracker" in " ".join(child.cmdline()):
                        continue
                    sample = (time.monotonic() - started, child.num_fds(), child.memory_info().rss)
                except psutil.Error:
                    continue
                self.samples.setdefault(child.pid, []).append(sample)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)


def windows(values):
    """(the fifth of a series right after warm-up, its first tenth; its last fifth)."""
    width = max(3, len(values) // 5)
    return values[len(values) // 10:len(values) // 10 + width], values[-width:]


def growth(values, margin):
    """How much a series rose from the fifth after warm-up to the last fifth, or None when it is flat
    within ``margin``: both the windows' medians and their peaks are compared."""
    early, late = windows(values)
    rise = max(statistics.median(late) - statistics.median(early), max(late) - max(early))
    return (early, late, rise) if rise > margin else None


def leftovers(scratch_marker):
    """Processes and cgroups this run left behind (other graders may be running on the machine)."""
    processes = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        # This run's jails name its scratch folder (the course data they bind); a runner dies with its jail,
        # and a descendant of this process that outlived grading would be a worker or a runner left over.
        if scratch_marker in cmdline:
            processes.append(f"{process.pid} {cmdline[:120]}")
    processes += [f"{child.pid} {' '.join(child.cmdline())[:120]}" for child in psutil.Process().children(recursive=True)
                  if child.is_running() and child.status() != psutil.STATUS_ZOMBIE
                  and "resource_tracker" not in " ".join(child.cmdline())]  # multiprocessing's, lives as long as we do
    mine = f"autograder-{os.getpid()}-*"
    cgroups = [p.name for p in PIDS_CGROUP_ROOT.glob(mine)] if PIDS_CGROUP_ROOT.is_dir() else []
    return sorted(set(processes)), cgroups


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the scratch course (printed at the end)")
    args = parser.parse_args(argv)
    source = Course.at()
    scratch = Path(tempfile.mkdtemp(prefix="soak-"))
    os.environ["NNHELPERS_PROGRESS"] = "off"
    problems = []
    try:
        with venv_on_path():
            course = make_scratch_course(scratch / "course", source, with_release=False)
            generate(course, course.assignments())
            kinds = build(course, args.submissions)
            print(f"soak: {len(kinds)} submissions ({sum(k == 'correct' for k in kinds.values())} correct, "
                  f"{sum(k in TROUBLE for k in kinds.values())} crash/endless/memory) on {args.workers} workers", flush=True)
            started = time.monotonic()
            done = lambda: sum(1 for _ in course.autograded_dir.glob("*/*/autograder.json"))  # noqa: E731
            with Sampler(progress=done) as sampler:
                results = grade_course(course, workers=args.workers, feedback=True, out=lambda *_: None,
                                       cell_timeout=5, time_cap=30)
            seconds = time.monotonic() - started
        by_pair = {(r.student, r.assignment): r for r in results}
        for pair, kind in kinds.items():
            result = by_pair.get(pair)
            if result is None:
                problems.append(f"{pair}: no result")
            elif kind == "correct" and (result.status != "graded" or result.score != result.max_score or result.flags):
                problems.append(f"{pair}: a correct answer got {result.status} {result.score}/{result.max_score} {result.flags}")
        ungradable = sum(r.status == "ungradable" for r in results)
        print(f"graded {len(results)} submissions in {seconds:.0f} s ({len(results) / seconds:.2f}/s); "
              f"{ungradable} ungradable (all of them troublemakers: {ungradable == 0 or all(kinds[(r.student, r.assignment)] in TROUBLE for r in results if r.status == 'ungradable')})")
        for pid, samples in sorted(sampler.samples.items()):
            if len(samples) < 10:
                continue
            fds = [s[1] for s in samples]
            rss = [s[2] for s in samples]
            (fds_early, fds_late), (rss_early, rss_late) = windows(fds), windows(rss)
            print(f"worker {pid}: {len(samples)} samples; descriptors median {statistics.median(fds_early):.0f} "
                  f"after warm-up, {statistics.median(fds_late):.0f} over the last fifth (min {min(fds)}, max {max(fds)}, "
                  f"{fds[-1]} at the end); memory median {statistics.median(rss_early) / 2**20:.0f} MiB after "
                  f"warm-up, {statistics.median(rss_late) / 2**20:.0f} MiB over the last fifth (max {max(rss) / 2**20:.0f} MiB)")
            grew = growth(fds, FD_MARGIN)
            if grew:
                problems.append(f"worker {pid}: descriptors rose by {grew[2]:.0f} (median {statistics.median(grew[0]):.0f} "
                                f"-> {statistics.median(grew[1]):.0f}, peak {max(grew[0])} -> {max(grew[1])})")
            grew = growth(rss, RSS_MARGIN)
            if grew:
                problems.append(f"worker {pid}: memory rose by {grew[2] / 2**20:.0f} MiB (median "
                                f"{statistics.median(grew[0]) / 2**20:.0f} -> {statistics.median(grew[1]) / 2**20:.0f} MiB)")
        time.sleep(1)
        processes, cgroups = leftovers(str(scratch))
        print(f"left running: {len(processes)} process(es); pids cgroups left: {len(cgroups)}")
        problems += [f"left running: {p}" for p in processes] + [f"cgroup left: {c}" for c in cgroups]
        if (course.root / ".autograder").is_dir() and any((course.root / ".autograder").glob("run-*")):
            problems.append("a grading scratch folder was left behind")
        for problem in problems[:30]:
            print(f"PROBLEM {problem}")
        print("soak: " + ("all as expected" if not problems else f"{len(problems)} problem(s)"))
        if args.keep:
            print(f"kept: {scratch}")
        return 1 if problems else 0
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
