"""How fast could grading be without Jupyter kernels? Measured beside nbgrader and this grader, in one run.

Issue 11 asks for five times plain ``nbgrader autograde`` on 2 cores. This tool measures, on the bench's
class, what a grader would cost if a purpose-built runner replaced the Jupyter kernel:

1. plain ``nbgrader autograde``, one assignment after another (as the bench runs it);
2. ``autograder grade`` with its jail, on ``--workers`` workers (as the bench runs it);
3. the bound: nbgrader's own preprocessors and scoring and the feedback page in this process, and each
   notebook's cells run once (visible and hidden tests together, as nbgrader runs them) by a runner
   (``autograder.grading.runner``: IPython's shell recording outputs as a kernel gives them) in a child
   forked from this warm process, answering requests over a pair of pipes. No jail, re-check, probe or
   time limit: what any design pays;
4. the same runner with the grader's safeguards: the trusted re-check (the real verdict process, jailed,
   its calls of the student's functions made in the runner by the grader's own dispatcher) and the witness
   with its integrity probe after every test cell, as the grader's executor runs them. Not the jail (``make
   bench`` measures it: about 1.07x) and not the time limits.

    python -m autograder.devtools.kernelless_bound [--students 2] [--workers 2]

It prints each one's core-seconds per notebook, the speed-up over nbgrader that 3 and 4 allow at most on
``--workers`` cores (their start-up left out), whether their scores agree with nbgrader's, and whether the
witness found anything (it must not: the class is honest). Run it on an otherwise idle machine.
"""

import argparse
import gc
import json
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from autograder.course import venv_on_path
from autograder.devtools.bench import copy_of_class, differences, run_nbgrader, run_ours, scores, simulated_class
from autograder.devtools.cpu_cost import own_cpu_seconds
from autograder.grading.record import register_assignments
from autograder.grading.replay import MAX_REPLY_CHARS  # a runner's answer is bounded as a kernel's is
from autograder.grading.runner import receive, send, serve


def warm_shell():
    """This process as a kernel template would be: the kernel's imports done, the runner's shell made."""
    from autograder.grading.runner import make_shell
    from autograder.grading.template import warm_imports

    os.environ["MPLBACKEND"] = "agg"  # as every jail of the grader sets it: plots are not rendered into outputs
    warm_imports()
    shell = make_shell()
    # As the kernel template does: the children's collections then skip (and do not copy) the parent's objects.
    gc.collect()
    gc.freeze()
    return shell


class ForkedRunner:
    """A child forked from this warm process that runs one notebook's cells, and the re-check's calls, on request
    over a pair of pipes: what a grader without Jupyter kernels would talk to (no jail, no time limits here)."""

    def __init__(self, shell, folder, witness_settings=None):
        from_parent, to_child = os.pipe()
        from_child, to_parent = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: serve, then leave without any of the parent's clean-up
            try:
                os.close(to_child)
                os.close(from_child)
                os.chdir(folder)
                if witness_settings is not None:
                    self._install_witness(shell, witness_settings)
                serve(shell, os.fdopen(from_parent, "rb"), os.fdopen(to_parent, "wb"))
            finally:
                os._exit(0)
        os.close(from_parent)
        os.close(to_parent)
        self.requests, self.answers = os.fdopen(to_child, "wb"), os.fdopen(from_child, "rb")

    @staticmethod
    def _install_witness(shell, settings):
        """The grader's witness, as a graded kernel gets it: fingerprints, the audit hook, the baseline."""
        from types import SimpleNamespace

        from autograder.grading.sandbox import Witness

        witness = Witness(settings)
        witness.snapshot_shell(SimpleNamespace(shell=shell, kernel=SimpleNamespace()))
        sys.addaudithook(witness.hook)
        sys.audit("autograder.baseline")

    def run(self, source):
        send(self.requests, {"op": "run"}, source.encode())
        return [nbformat.from_dict(output) for output in json.loads(receive(self.answers, MAX_REPLY_CHARS)[1])]

    def call(self, name, request):
        send(self.requests, {"op": "call", "name": name}, request)
        return receive(self.answers, MAX_REPLY_CHARS)[1].decode()

    def probe(self, nonce):
        send(self.requests, {"op": "probe"}, nonce.encode())
        receive(self.answers, MAX_REPLY_CHARS)

    def finish(self):
        """The child's CPU seconds, once it has ended."""
        send(self.requests, {"op": "done"})
        self.requests.close()
        self.answers.close()
        _, _, usage = os.wait4(self.pid, 0)
        return usage.ru_utime + usage.ru_stime


class RunnerCaller:
    """The re-check's calls of the student's functions, made in the forked runner instead of a Jupyter kernel."""

    def __init__(self, runner):
        self.runner = runner
        self.deadline = None  # set by the re-check; the bound has no time limits
        self.dead = None

    def __call__(self, name, request):
        from autograder.grading.replay import KernelCaller

        return KernelCaller._answer(name, self.runner.call(name, request))


def run_cells(runner, nb, replay, nonce=None):
    """Each code cell's outputs, as the grader's executor produces them: with the trusted re-check (``replay``, a
    ReplaySession) each test cell is re-checked first, then run without its hidden part, and scores the lower
    verdict; without it, each cell runs whole, as plain nbgrader runs it. With a ``nonce``, the integrity probe
    runs after every test cell and after the last cell, as the grader's executor runs it."""
    from nbgrader.utils import is_grade, is_solution

    from autograder.assignments import without_hidden_tests
    from autograder.feedback import error_output

    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for cell in code:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if replay is None or is_solution(cell) or not replay.covers(grade_id):
            cell.outputs = runner.run(cell.source)
        else:
            outcome = replay.run(grade_id, None)
            cell.outputs = runner.run(without_hidden_tests(cell.source) if is_grade(cell) else cell.source)
            if is_grade(cell) and not outcome["ok"] and not any(o["output_type"] == "error" for o in cell.outputs):
                cell.outputs.append(nbformat.from_dict(error_output(outcome["ename"], outcome["evalue"])))
        if nonce and (is_grade(cell) or cell is code[-1]):
            runner.probe(nonce)


def grade_without_kernels(course, assignments, shell, safeguards):
    """Grade every submission with the bound's design, with or without the safeguards (the trusted re-check, its
    verdict process jailed as the grader's is, and the witness with its probes); ({test cell: score}, {part: CPU
    seconds}, notebooks, tampering findings)."""
    from nbgrader.api import Gradebook

    from autograder.assignments import read_assignment_spec
    from autograder.devtools.startup import cpu_seconds
    from autograder.feedback import render_feedback
    from autograder.grading.integrity import read_report
    from autograder.grading.jail import Limits
    from autograder.grading.pipeline import copy_task_files, outputs_filtered, prepared_for_running, scores_and_comments
    from autograder.grading.replay import ReplaySession, VerdictProcess

    config = course.config()
    table, cpu, notebooks = {}, {"grading": 0.0, "cells": 0.0, "verdict": 0.0}, 0
    verdict = VerdictProcess(str(course.root), Limits()) if safeguards else None
    findings = []
    with Gradebook(course.db_url) as gb:
        known = {a.name: [n.name for n in a.notebooks] for a in gb.assignments}
    plans = {assignment: read_assignment_spec(course, assignment).replay_plans() for assignment in assignments}
    try:
        for student in sorted(p.name for p in course.submitted_dir.iterdir()):
            for assignment in assignments:
                submitted = course.submitted_dir / student / assignment
                for notebook in known[assignment]:
                    started = own_cpu_seconds()
                    nb = nbformat.read(submitted / f"{notebook}.ipynb", as_version=4)
                    resources = {"nbgrader": {"db_url": course.db_url, "assignment": assignment, "notebook": notebook,
                                              "student": student}, "metadata": {}}
                    nb, resources = prepared_for_running(nb, resources, config)
                    folder = Path(tempfile.mkdtemp(prefix="run-", dir=course.root))
                    copy_task_files(submitted, course.source_dir / assignment, folder)
                    witness = {"report_path": str(folder / "report.jsonl"), "workdir": str(folder),
                               "watched_roots": [str(course.root)], "allowed_roots": [str(course.root / "data")]}
                    runner = ForkedRunner(shell, folder, witness if safeguards else None)
                    replay, nonce = None, secrets.token_hex(16) if safeguards else None
                    if safeguards and notebook in plans[assignment]:
                        replay = ReplaySession(verdict, plans[assignment][notebook], executor=None)
                        replay.caller = RunnerCaller(runner)
                    run_cells(runner, nb, replay, nonce)
                    if replay is not None and replay.problem:
                        raise RuntimeError(f"{student} {assignment}: {replay.problem}")
                    cpu["cells"] += runner.finish()
                    if safeguards:
                        files, probes = read_report(folder / "report.jsonl", nonce)
                        findings += files + [f for probe in probes for f in probe["tampering"]]
                        if not probes:
                            findings.append(f"{student} {assignment}: no probe answered")
                    nb, resources = outputs_filtered(nb, resources, config)
                    grades, comments = scores_and_comments(nb)
                    table.update({(student, assignment, notebook, grade_id): score
                                  for grade_id, (score, _) in grades.items()})
                    nbformat.writes(nb)
                    render_feedback(nb, grades, comments, {}, student, assignment, notebook)
                    cpu["grading"] += own_cpu_seconds() - started
                    notebooks += 1
        if verdict is not None and verdict.process is not None:
            cpu["verdict"] = cpu_seconds(verdict.process.pid)
    finally:
        if verdict is not None:
            verdict.close()
    return table, cpu, notebooks, findings


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.kernelless_bound",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="the workers (and cores) of this grader's run")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="kernelless-bound-"))
    os.environ["NNHELPERS_PROGRESS"] = "off"
    bounds = {}
    try:
        with venv_on_path():
            master, notebooks = simulated_class(scratch / "master", args.students)
            assignments = master.assignments()
            print(f"1 nbgrader autograde, sequential, {notebooks} notebooks ...", flush=True)
            plain = copy_of_class(master, scratch / "nbgrader", args.students)
            nbgrader_seconds = run_nbgrader(plain, assignments, scratch / "nbgrader.log")
            expected = scores(plain)
            print(f"2 autograder grade --workers {args.workers}, jailed ...", flush=True)
            ours = copy_of_class(master, scratch / "ours", args.students)
            ours_seconds = run_ours(ours, assignments, args.workers)
            warm_started = own_cpu_seconds()
            shell = warm_shell()
            warm_up = own_cpu_seconds() - warm_started
            for step, safeguards in ((3, False), (4, True)):
                print(f"{step} without kernels: cells run in a child forked from a warm IPython shell, "
                      f"{'with the re-check and the probes' if safeguards else 'no safeguards'} ...", flush=True)
                bound = copy_of_class(master, scratch / f"bound-{step}", args.students)
                register_assignments(bound, assignments)  # the source cells OverwriteCells restores
                bounds[safeguards] = grade_without_kernels(bound, assignments, shell, safeguards)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    nbgrader_each = nbgrader_seconds / notebooks  # one process: its wall time is its core time
    print()
    print(f"{notebooks} notebooks ({args.students} students x {len(assignments)} assignments), core-seconds per notebook")
    print(f"  nbgrader autograde (1 process)          {nbgrader_each:6.3f}  ({nbgrader_seconds:.1f} s)")
    print(f"  autograder, jailed ({args.workers} workers)          {ours_seconds * args.workers / notebooks:6.3f}  "
          f"({ours_seconds:.1f} s): {nbgrader_seconds / ours_seconds:.2f}x nbgrader")
    status = 0
    for safeguards, (table, cpu, counted, findings) in bounds.items():
        each = sum(cpu.values()) / counted
        label = "without kernels, safeguards kept" if safeguards else "without kernels (the bound)"
        print(f"  {label:39} {each:6.3f}  ({cpu['grading'] / counted:.3f} grading: preprocessors, scores, feedback page"
              + (", relaying calls" if safeguards else "") + f"; {cpu['cells'] / counted:.3f} running the cells"
              + (f", the calls and the probes; {cpu['verdict'] / counted:.3f} the verdict process" if safeguards else "")
              + ")")
        print(f"    so at most {nbgrader_each * args.workers / each:.2f}x nbgrader on {args.workers} cores, before any "
              "start-up" + (" or jail" if safeguards else ", jail, re-check or probe"))
        different = differences(expected, table)
        print(f"    scores against nbgrader: {len(expected)} test cells compared, {len(different)} different"
              + (f"; tampering found: {len(findings)} {findings[:3]}" if safeguards else ""))
        for key in different[:10]:
            print(f"      {key}: nbgrader {expected.get(key)}, here {table.get(key)}")
        status |= bool(different) or bool(findings)
    print(f"  (warming up the shell once: {warm_up:.2f} CPU-s, not counted above)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
