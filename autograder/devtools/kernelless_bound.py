"""How fast could grading be without Jupyter kernels? A lower bound, measured beside nbgrader and this grader.

Issue 11 asks for five times plain ``nbgrader autograde`` on 2 cores. This tool measures the best a grader
could do if it gave up the Jupyter kernel, on the bench's class, in one run:

1. plain ``nbgrader autograde``, one assignment after another (as the bench runs it);
2. ``autograder grade`` with its jail, on ``--workers`` workers (as the bench runs it);
3. the bound: nbgrader's own preprocessors and scoring and the feedback page in this process, and each
   notebook's cells run once (visible and hidden tests together, as nbgrader runs them) by IPython's
   ``InteractiveShell`` in a child forked from this warm process, outputs captured directly. No jail, no
   trusted re-check, no integrity probes, no time limits: what any design would still pay.

    python -m autograder.devtools.kernelless_bound [--students 2] [--workers 2]

It prints each one's core-seconds per notebook, the speed-up over nbgrader the bound allows at most on
``--workers`` cores (its own start-up, the jail and the re-check left out), and whether its scores agree
with nbgrader's. Run it on an otherwise idle machine.
"""

import argparse
import gc
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.course import Course, venv_on_path
from autograder.devtools.bench import copy_of_class, differences, run_nbgrader, run_ours, scores, simulated_class
from autograder.devtools.cpu_cost import own_cpu_seconds
from autograder.grading.record import register_assignments

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def warm_shell():
    """This process as a kernel template would be: the kernel's imports done, one IPython shell, inline plots."""
    import matplotlib
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib_inline.backend_inline import configure_inline_support

    from autograder.grading.template import warm_imports

    warm_imports()
    shell = InteractiveShell.instance()
    matplotlib.use(INLINE_BACKEND)
    configure_inline_support(shell, INLINE_BACKEND)
    # As the kernel template does: the children's collections then skip (and do not copy) the parent's objects.
    gc.collect()
    gc.freeze()
    return shell


def _cell_outputs(shell, source):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = shell.run_cell(source, store_history=False)
    outputs = [{"output_type": "stream", "name": name, "text": text}
               for name, text in (("stdout", captured.stdout), ("stderr", captured.stderr)) if text]
    outputs += [{"output_type": "display_data", "data": shown.data, "metadata": shown.metadata or {}}
                for shown in captured.outputs]
    error = result.error_before_exec or result.error_in_exec
    if error is not None:
        outputs.append({"output_type": "error", "ename": type(error).__name__, "evalue": str(error), "traceback": []})
    return outputs


def run_in_fork(shell, nb, folder):
    """Every code cell's outputs, run in a child forked from this process; and the child's CPU seconds."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without any of the parent's clean-up
        try:
            os.close(read_end)
            os.chdir(folder)
            outputs = [_cell_outputs(shell, cell.source) if cell.cell_type == "code" else [] for cell in nb.cells]
            with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
                json.dump(outputs, pipe)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        text = pipe.read()
    _, _, usage = os.wait4(pid, 0)
    if not text:
        raise RuntimeError(f"the child running {folder} reported nothing")
    return json.loads(text), usage.ru_utime + usage.ru_stime


def grade_without_kernels(course, assignments, shell):
    """Grade every submission with the bound's design; ({test cell: score}, parent CPU s, children's CPU s, notebooks)."""
    from nbgrader.api import Gradebook

    from autograder.feedback import render_feedback
    from autograder.grading.pipeline import outputs_filtered, prepared_for_running, scores_and_comments

    config = course.config()
    table, parent, children, notebooks = {}, 0.0, 0.0, 0
    with Gradebook(course.db_url) as gb:
        known = {a.name: [n.name for n in a.notebooks] for a in gb.assignments}
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
                for files in (submitted, course.source_dir / assignment):
                    for item in files.iterdir():
                        if item.is_file() and item.suffix != ".ipynb":
                            shutil.copy2(item, folder / item.name)
                parent += own_cpu_seconds() - started
                outputs, child = run_in_fork(shell, nb, folder)
                children += child
                started = own_cpu_seconds()
                for cell, cell_outputs in zip(nb.cells, outputs, strict=True):
                    if cell.cell_type == "code":
                        cell.outputs = [nbformat.from_dict(output) for output in cell_outputs]
                nb, resources = outputs_filtered(nb, resources, config)
                grades, comments = scores_and_comments(nb)
                table.update({(student, assignment, notebook, grade_id): score for grade_id, (score, _) in grades.items()})
                nbformat.writes(nb)
                render_feedback(nb, grades, comments, {}, student, assignment, notebook)
                parent += own_cpu_seconds() - started
                notebooks += 1
    return table, parent, children, notebooks


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.devtools.kernelless_bound",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="the workers (and cores) of this grader's run")
    args = parser.parse_args(argv)
    source = Course.at()
    assignments = source.assignments()
    scratch = Path(tempfile.mkdtemp(prefix="kernelless-bound-"))
    os.environ["NNHELPERS_PROGRESS"] = "off"
    try:
        with venv_on_path():
            master, notebooks = simulated_class(scratch / "master", args.students)
            print(f"1 nbgrader autograde, sequential, {notebooks} notebooks ...", flush=True)
            plain = copy_of_class(master, scratch / "nbgrader", args.students)
            nbgrader_seconds = run_nbgrader(plain, assignments, scratch / "nbgrader.log")
            expected = scores(plain)
            print(f"2 autograder grade --workers {args.workers}, jailed ...", flush=True)
            ours = copy_of_class(master, scratch / "ours", args.students)
            ours_seconds = run_ours(ours, assignments, args.workers)
            print("3 the bound: no kernels, no jail, no re-check, cells run once in a forked IPython shell ...", flush=True)
            bound = copy_of_class(master, scratch / "bound", args.students)
            register_assignments(bound, assignments)  # the source cells OverwriteCells restores
            warm_started, wall_started = own_cpu_seconds(), time.perf_counter()
            shell = warm_shell()
            warm_up = own_cpu_seconds() - warm_started
            table, parent, children, counted = grade_without_kernels(bound, assignments, shell)
            bound_wall = time.perf_counter() - wall_started
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    nbgrader_each = nbgrader_seconds / notebooks  # one process: its wall time is its core time
    ours_each = ours_seconds * args.workers / notebooks
    bound_each = (parent + children) / counted
    print()
    print(f"{notebooks} notebooks ({args.students} students x {len(assignments)} assignments)")
    print(f"  nbgrader autograde (1 process)     {nbgrader_each:6.3f} core-s per notebook ({nbgrader_seconds:.1f} s)")
    print(f"  autograder, jailed ({args.workers} workers)     {ours_each:6.3f} core-s per notebook ({ours_seconds:.1f} s): "
          f"{nbgrader_seconds / ours_seconds:.2f}x nbgrader")
    print(f"  the bound, without kernels         {bound_each:6.3f} CPU-s per notebook: {parent / counted:.3f} grading "
          f"(preprocessors, scores, feedback page), {children / counted:.3f} running the cells; "
          f"{warm_up:.2f} s to warm up once, {bound_wall:.1f} s in all on one core")
    print(f"  so without kernels, on {args.workers} cores: at most {nbgrader_each * args.workers / bound_each:.2f}x nbgrader, "
          "before any start-up, jail, re-check or probe")
    different = differences(expected, table)
    print(f"  scores, the bound against nbgrader: {len(expected)} test cells compared, {len(different)} different")
    for key in different[:10]:
        print(f"    {key}: nbgrader {expected.get(key)}, the bound {table.get(key)}")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
