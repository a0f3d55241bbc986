"""The runner (autograder.grading.runner) records each cell's outputs as a Jupyter kernel and nbclient do.

The same cells run in a real ipykernel through nbclient and in a runner (in a subprocess: the runner takes
over sys.stdout and input()), with and without MPLBACKEND (grading's jail sets it to ``agg``); every output
must agree: its type, stream and text, execution count, MIME types and text, the error's name, message and
the traceback's frames in the notebook's own cells. Images are compared by MIME type only, and the frames
of the machinery that raised an error (ipykernel's or the runner's own file) are left out. The request
loop is driven as the grader would drive it, and malformed answers are refused, by the protocol's reader and by
the grader's end of a runner (``pool.Runner``: too large, another request's, not JSON, cut short).
"""

import base64
import json
import os
import pickle
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

from autograder.grading.framing import FramedReader
from autograder.grading.runner import send

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")

CELLS = [
    "print(1 + 1)\n3",
    "import sys\nsys.stderr.write('careful\\n')\n5;",
    "def f(x):\n    return 1 / x\n\nf(0)",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nprint('plotted')",
    "input('your name? ')",
    "from IPython.display import HTML, clear_output, display\nprint('gone')\nclear_output(wait=True)\n"
    "display(HTML('<b>kept</b>'))",
    "handle = display('before', display_id=True)\nhandle.update('after')",
    "import pandas as pd\npd.DataFrame({'a': [1, 2]})",
    "import numpy as np\nnp.arange(3)",
    "%matplotlib inline\nx = 41\nx + 1",
]

RUN_IN_A_RUNNER = """
import json, sys
from autograder.grading.runner import become_runner, make_shell
shell = make_shell()
become_runner(shell)
outputs = [shell.run(cell) for cell in json.loads(sys.argv[1])]
sys.__stdout__.write(json.dumps(outputs))
"""


def comparable(outputs):
    """Outputs with what may differ between two correct runs taken out: how a kernel split a stream into
    messages, image bytes, and colour codes in tracebacks."""
    merged = []
    for output in outputs:
        output = dict(output)
        if output["output_type"] == "stream" and merged and merged[-1].get("name") == output["name"]:
            merged[-1]["text"] += output["text"]
            continue
        if "data" in output:
            output["data"] = {mime: (value if not mime.startswith("image/") else "<image>")
                              for mime, value in output["data"].items()}
        output.pop("metadata", None)
        if output["output_type"] == "error":
            # Each frame by its first line ("Cell In[3], line 2, in f(x)"): IPython shows a blank line of context
            # in a kernel and not in a plain shell, which changes no frame.
            frames = [ANSI.sub("", entry).splitlines()[0] for entry in output["traceback"]]
            output["traceback"] = [frame for frame in frames if not frame.startswith("File ")]
        merged.append(output)
    return merged


def run_both(backend):
    """Each cell's outputs from a kernel through nbclient, and from a runner, both with MPLBACKEND=backend
    (or without it)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    environment = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                   **({"MPLBACKEND": backend} if backend else {})}
    kernel_manager = KernelManager(kernel_name="python3")
    kernel_manager.start_kernel(env=environment, extra_arguments=["--IPKernelApp.log_level=ERROR"])
    try:
        NotebookClient(nb, km=kernel_manager, timeout=60, allow_errors=True).execute()
    finally:
        kernel_manager.shutdown_kernel(now=True)
    kernel = [json.loads(json.dumps(cell.outputs)) for cell in nb.cells]
    done = subprocess.run([sys.executable, "-c", RUN_IN_A_RUNNER, json.dumps(CELLS)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=environment)
    assert done.returncode == 0, done.stderr
    return kernel, json.loads(done.stdout), backend


@pytest.fixture(scope="module", params=["agg", None], ids=["MPLBACKEND=agg", "no MPLBACKEND"])
def both(request):
    return run_both(request.param)


@pytest.mark.parametrize("index", range(len(CELLS)), ids=[cell.splitlines()[-1][:40] for cell in CELLS])
def test_a_cells_outputs_are_the_kernels(both, index):
    kernel, runner, _ = both
    assert comparable(runner[index]) == comparable(kernel[index])


def test_the_comparison_sees_each_kind_of_output(both):
    """The cells above produce every kind of output the runner records, so the test above checks them all."""
    kinds = {(o["output_type"], o.get("name")) for outputs in both[0] for o in outputs}
    assert kinds == {("stream", "stdout"), ("stream", "stderr"), ("execute_result", None), ("display_data", None),
                     ("error", None)}


def test_plots_are_shown_only_without_a_backend_named(both):
    """Without MPLBACKEND a plot is an image after its cell, as in a kernel; with ``agg`` there is none."""
    kernel, runner, backend = both
    for outputs in (kernel[3], runner[3]):
        assert any("image/png" in o.get("data", {}) for o in outputs) == (backend is None)


SERVE_ON_STDIN = """
import sys
from autograder.grading.runner import make_shell, serve
serve(make_shell(), sys.stdin.buffer, sys.stdout.buffer)
"""


def test_the_request_loop_runs_cells_calls_functions_probes_and_ends():
    runner = subprocess.Popen([sys.executable, "-c", SERVE_ON_STDIN], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                                           "MPLBACKEND": "agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"})
    try:
        answers = FramedReader(runner.stdout.fileno(), 1 << 16, 1 << 20)  # as the grader reads a runner's answers
        send(runner.stdin, {"op": "run"}, b"def double(x):\n    print('doubling')\n    return 2 * x\ndouble(4)")
        header, payload = answers.receive(time.monotonic() + 60)
        assert header["op"] == "outputs"
        assert [o["output_type"] for o in json.loads(payload)] == ["stream", "execute_result"]
        # The re-check's call goes through the grader's own dispatcher: the result and the arguments come back
        # pickled, and what the function printed does not reach the cell's outputs.
        send(runner.stdin, {"op": "call", "name": "double"}, pickle.dumps(((21,), {})))
        header, payload = answers.receive(time.monotonic() + 60)
        answer = json.loads(payload)
        assert (header["op"], answer["status"]) == ("reply", "ok")
        assert pickle.loads(base64.b64decode(answer["payload"])) == ((21,), {}, 42)
        send(runner.stdin, {"op": "probe"}, b"nonce")
        assert answers.receive(time.monotonic() + 60)[0]["op"] == "probed"
        send(runner.stdin, {"op": "done"})
        assert runner.wait(timeout=30) == 0
    finally:
        runner.kill()
        runner.wait()


@pytest.mark.parametrize(("sent", "refused"), [
    (b'{"op": "outputs", "id": 1, "size": 209715200}\n', "RunnerAnswerTooLarge"),
    (b'{"op": "outputs", "id": 7, "size": 2}\n[]', "RunnerGarbled"),
    (b'not json\n', "RunnerGarbled"),
    (b'{"op": "outputs", "id": 1, "size": -1}\n', "RunnerGarbled"),
    (b'["not", "a header"]\n', "RunnerGarbled"),
    (b"x" * 70_000, "RunnerGarbled"),
    (b'{"op": "outputs", "id": 1, "size": 10}\nshort', "RunnerGone"),
], ids=["over 100 MiB", "another request's id", "not JSON", "negative size", "not a dict", "a header without end",
        "cut short"])
def test_the_grader_refuses_an_answer_that_is_not_the_answer_to_its_request(sent, refused):
    """What a runner sends is written by the notebook's process: the grader's end checks it before using it."""
    from autograder.grading import pool

    graders_end, runners_end = socket.socketpair()
    runner = pool.Runner(os.getpid(), graders_end)
    runner.last_id = 1  # the request the grader is waiting for
    try:
        runners_end.sendall(sent)
        runners_end.close()  # what was sent is all there is
        with pytest.raises((pool.RunnerGarbled, pool.RunnerGone)) as raised:
            runner.wait(time.monotonic() + 10)
        assert type(raised.value).__name__ == refused
    finally:
        runner.close()
        runners_end.close()


def test_the_grader_reads_an_answer_sent_in_pieces():
    import threading

    from autograder.grading import pool

    graders_end, runners_end = socket.socketpair()
    runner = pool.Runner(os.getpid(), graders_end)
    runner.last_id = 3
    payload = json.dumps([{"output_type": "stream", "name": "stdout", "text": "x" * 300_000}]).encode()
    message = json.dumps({"op": "outputs", "id": 3, "size": len(payload)}).encode() + b"\n" + payload

    def dribble():
        for start in range(0, len(message), 65_536):
            runners_end.sendall(message[start:start + 65_536])
            time.sleep(0.01)

    sender = threading.Thread(target=dribble)
    sender.start()
    try:
        header, received = runner.wait(time.monotonic() + 30)
        assert (header["op"], received) == ("outputs", payload)
    finally:
        sender.join(10)
        runner.close()
        runners_end.close()
