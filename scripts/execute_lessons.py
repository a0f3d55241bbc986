"""Re-execute lesson notebooks in place so their stored outputs are current.

Lessons are stored with outputs (readable on a code host) and nbval compares a fresh run with
them, so they must be produced by exactly this: a fresh kernel of this environment, top to
bottom, no progress bars, no timing metadata, no widget state. Prints each lesson's wall time and
its kernel's CPU time; the course promises under 20 seconds of CPU each. (The limit is on CPU time
because on a shared machine, CI's or a hub's, wall time measures the neighbours as much as the lesson.)

    python scripts/execute_lessons.py [notebooks/NN_topic.ipynb ...]
"""

import os
import resource
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT_SECONDS = 20
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute(path):
    nb = nbformat.read(str(path), as_version=4)
    os.environ["NNHELPERS_PROGRESS"] = "off"
    # The "python3" kernelspec runs `python` from PATH: make that this environment's interpreter.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False, extra_arguments=["--IPKernelApp.log_level=ERROR"])
    started, cpu_before = time.perf_counter(), _children_cpu_seconds()
    client.execute(cwd=str(path.parent))  # starts the kernel, runs every cell, shuts the kernel down and reaps it
    elapsed, cpu = time.perf_counter() - started, _children_cpu_seconds() - cpu_before
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.outputs = coalesce_streams(cell.get("outputs", [])) if cell.cell_type == "code" else cell.get("outputs")
        for output in cell.get("outputs") or []:
            # A widget's view names a model that exists only in the kernel that made it (its id is new on
            # every run, and the widget state is not stored): the stored lesson keeps the widget's static
            # form (text/html, text/plain), and running the cell brings the live widget back.
            output.get("data", {}).pop(WIDGET_VIEW, None)
        if cell.cell_type != "code":
            cell.pop("outputs", None)
    nbformat.write(nb, str(path))
    return elapsed, cpu


def _children_cpu_seconds():
    """CPU seconds used by this process's finished child processes, such as a kernel once it has exited."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def coalesce_streams(outputs):
    """Merge consecutive prints to the same stream: how a kernel splits them depends on timing,
    and stored lessons must come out the same on every run."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.get("output_type") == "stream" and previous is not None
                and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
            previous["text"] = previous["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def main(argv):
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    slow = []
    for path in paths:
        elapsed, cpu = execute(path)
        print(f"{path.name}: {elapsed:.1f} s wall, {cpu:.1f} s CPU")
        if cpu > TIME_LIMIT_SECONDS:
            slow.append(path.name)
    if slow:
        print(f"too slow (over {TIME_LIMIT_SECONDS} s of CPU): {', '.join(slow)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
