"""A notebook's cells run without a Jupyter kernel: IPython's shell, its outputs as nbclient would record them.

A Jupyter kernel costs the grader more than the safeguards do (docs/grading-on-a-cluster.md, "What five
times nbgrader would take"): every request crosses ZeroMQ, signatures, JSON and two event loops. A runner is
the same IPython shell answering requests over a pair of pipes, in a framed protocol (a JSON header line,
then ``size`` bytes). A cell's outputs come back in nbformat's shape, as ipykernel and nbclient would have
made them: streams (consecutive writes to one stream kept together), ``execute_result`` with its execution
count, ``display_data`` (inline plots included), ``clear_output`` honoured, ``error`` with its traceback, and
``input()`` refused as a kernel refuses it when the front end has no stdin.

Requests: ``run`` (a cell's source; answers its outputs), ``call`` (the trusted re-check's call of a student's
function through ``replay.DISPATCH``; answers the dispatcher's JSON), ``probe`` (the witness's integrity probe
with the grader's nonce), ``done``. Not yet used by grading itself: ``autograder.devtools.kernelless_bound``
measures a grader built on it against nbgrader and this grader.
"""

import base64
import builtins
import io
import json
import os
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.error import StdinNotImplementedError
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config


class CellOutputs:
    """The outputs of the cell being run, kept as nbclient keeps them."""

    def __init__(self):
        self.outputs = []
        self.clear_before_next = False
        self.display_ids = {}  # display_id -> indices of the outputs that show it

    def _before_adding(self):
        if self.clear_before_next:
            self.outputs, self.display_ids, self.clear_before_next = [], {}, False

    def stream(self, name, text):
        if not text:
            return
        self._before_adding()
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def add(self, output, display_id=None):
        self._before_adding()
        if display_id:
            self.display_ids.setdefault(display_id, []).append(len(self.outputs))
        self.outputs.append(output)

    def update(self, display_id, data, metadata):
        for index in self.display_ids.get(display_id, []):
            self.outputs[index]["data"], self.outputs[index]["metadata"] = data, metadata

    def clear(self, wait):
        if wait:
            self.clear_before_next = True
        else:
            self.outputs, self.display_ids, self.clear_before_next = [], {}, False


class RecordingStream(io.TextIOBase):
    """sys.stdout or sys.stderr of a runner: text goes to the current cell's outputs."""

    def __init__(self, shell, name):
        super().__init__()
        self.shell, self.name = shell, name

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.shell.cell.stream(self.name, text)
        return len(text)


def _jsonable(data):
    """A display's data as nbformat stores it: binary (images) as base64 text, everything else as given."""
    return {mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
            for mime, value in data.items()}


class RecordingDisplayHook(DisplayHook):
    """A cell's value (its last expression) as an ``execute_result``, as ipykernel's display hook sends it."""

    pending = None

    def start_displayhook(self):
        self.pending = {"output_type": "execute_result", "execution_count": None, "data": {}, "metadata": {}}

    def write_output_prompt(self):
        self.pending["execution_count"] = self.prompt_count

    def write_format_data(self, format_dict, md_dict=None):
        self.pending["data"], self.pending["metadata"] = _jsonable(format_dict), md_dict or {}

    def finish_displayhook(self):
        pending, self.pending = self.pending, None
        if pending and pending["data"]:
            self.shell.cell.add(pending)


class RecordingDisplayPublisher(DisplayPublisher):
    """``display()``, plots and ``clear_output`` into the current cell's outputs."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        display_id = (transient or {}).get("display_id")
        if update:
            self.shell.cell.update(display_id, _jsonable(data), metadata or {})
        else:
            self.shell.cell.add({"output_type": "display_data", "data": _jsonable(data), "metadata": metadata or {}},
                                display_id)

    def clear_output(self, wait=False):
        self.shell.cell.clear(wait)


class RunnerShell(InteractiveShell):
    """IPython's shell whose outputs are recorded per cell instead of printed."""

    displayhook_class = RecordingDisplayHook
    display_pub_class = RecordingDisplayPublisher

    def __init__(self, **kwargs):
        self.cell = CellOutputs()
        super().__init__(**kwargs)

    def _showtraceback(self, etype, evalue, stb):
        self.cell.add({"output_type": "error", "ename": str(etype.__name__), "evalue": str(evalue), "traceback": stb})

    def enable_gui(self, gui=None):
        """Plots are inline: no event loop to run (``%matplotlib inline`` comes here)."""

    def run(self, source):
        """Run one cell as a kernel runs an execute request; its outputs."""
        self.cell = CellOutputs()
        self.run_cell(source, store_history=True)
        return self.cell.outputs


def _no_stdin(*_args, **_kwargs):
    raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")


def make_shell():
    """The runner's shell, set up as ipykernel sets up a kernel's: outputs recorded, no history file, and plots
    inline unless MPLBACKEND names a backend (as grading's jail does: ``agg``, no figures in the outputs).
    Made once in a template process; every runner forked from it starts from this state."""
    shell = RunnerShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
    if not os.environ.get("MPLBACKEND"):
        shell.enable_matplotlib("inline")
    return shell


def become_runner(shell):
    """This process's output into the shell's cells and no stdin, as in a kernel: done in the runner itself,
    never in the process that made the shell."""
    sys.stdout, sys.stderr = RecordingStream(shell, "stdout"), RecordingStream(shell, "stderr")
    builtins.input = _no_stdin


# -- the protocol -----------------------------------------------------------------------------------------


def send(stream, header, payload=b""):
    stream.write(json.dumps({**header, "size": len(payload)}).encode() + b"\n" + payload)
    stream.flush()


def receive(stream, limit=None):
    """One message: (header, payload). The grader reads a runner's answers as hostile data: it passes a
    ``limit`` on the header line and the payload, and anything malformed raises ValueError."""
    line = stream.readline(limit + 1 if limit else -1)
    if not line:
        raise EOFError("the other side of the pipe went away")
    header = json.loads(line)
    size = header.get("size") if isinstance(header, dict) else None
    if not isinstance(size, int) or size < 0 or (limit and size > limit):
        raise ValueError(f"a message with a bad header ({line[:80]!r})")
    payload = stream.read(size)
    if len(payload) != size:
        raise EOFError("the other side of the pipe went away mid-message")
    return header, payload


def serve(shell, requests, answers):
    """Become the runner and answer the grader's requests until it says ``done`` or goes away."""
    from autograder.grading.replay import DISPATCH

    become_runner(shell)
    dispatch = None
    while True:
        try:
            header, payload = receive(requests)
        except EOFError:
            return
        if header["op"] == "run":
            send(answers, {"op": "outputs"}, json.dumps(shell.run(payload.decode())).encode())
        elif header["op"] == "call":
            if dispatch is None:
                exec(DISPATCH, shell.user_ns)  # as the grader defines it in a kernel: once, in the notebook's namespace
                dispatch = shell.user_ns["_autograder_dispatch"]
            send(answers, {"op": "reply"}, dispatch(base64.b64encode(payload).decode(), header["name"]).encode())
        elif header["op"] == "probe":
            sys.audit("autograder.probe", payload.decode())
            send(answers, {"op": "probed"})
        else:
            return
