"""A notebook's cells run without a Jupyter kernel: IPython's shell, its outputs as nbclient would record them.

Grading runs every submission in a runner, not a Jupyter kernel: a kernel cost the grader more than its
safeguards did (docs/grading-on-a-cluster.md, "Where a notebook's CPU goes"), since every request crossed
ZeroMQ, signatures, JSON and two event loops. A runner is IPython's shell answering the grader's requests on
one socket, in a framed protocol (a JSON header line, then ``size`` bytes). A cell's outputs come back in
nbformat's shape, as ipykernel and nbclient would have made them: streams (consecutive writes to one stream
kept together), ``execute_result`` with its execution count, ``display_data`` (inline plots included),
``clear_output`` honoured, ``error`` with its traceback, and ``input()`` refused as a kernel refuses it when the
front end has no stdin.

Requests, each answered once, with the request's ``id``:

- ``setup``: copy the submission's files from the inbox into the working folder, then take the witness's
  baseline (``{"op": "ready"}``);
- ``run``: a cell's source (``{"op": "outputs", "execution_count": n}`` and the outputs as JSON);
- ``call``: the trusted re-check's call of a student's function through ``DISPATCH`` (``{"op": "reply"}`` and the
  dispatcher's JSON);
- ``probe``: the witness's integrity probe with the grader's nonce (``{"op": "probed"}``);
- ``done``: the runner ends.

As in ipykernel, SIGINT (the grader's interrupt at a time limit) raises KeyboardInterrupt only while a request
runs, and the handler a cell installs lasts only until its request ends. A request the interrupt stopped outside
a cell's own code is answered ``{"op": "interrupted"}``.

This file is loaded by path inside the jail (``python -I``: no grader module is importable there), so it imports
nothing of the grader's.
"""

import base64
import builtins
import io
import json
import os
import shutil
import signal
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.error import StdinNotImplementedError
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

MAX_STREAM_CHARS = 8 * 1024**2  # a cell's printed text kept, far beyond what nbgrader's LimitOutput keeps of it


class CellOutputs:
    """The outputs of the cell being run, kept as nbclient keeps them (printed text beyond ``MAX_STREAM_CHARS``
    is dropped, with a note: a notebook printing in an endless loop must not fill the runner's memory)."""

    def __init__(self):
        self.outputs = []
        self.clear_before_next = False
        self.display_ids = {}  # display_id -> indices of the outputs that show it
        self.streamed = 0

    def _before_adding(self):
        if self.clear_before_next:
            self.outputs, self.display_ids, self.clear_before_next = [], {}, False

    def stream(self, name, text):
        if not text or self.streamed > MAX_STREAM_CHARS:
            return
        self.streamed += len(text)
        if self.streamed > MAX_STREAM_CHARS:
            text = f"\n[the rest of this cell's output was dropped: over {MAX_STREAM_CHARS // 1024**2} MiB]\n"
        self._before_adding()
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"].append(text)  # joined once the cell ends: adding to a str would copy it every time
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": [text]})

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

    def finished(self):
        """The outputs in nbformat's shape."""
        return [{**output, "text": "".join(output["text"])} if output["output_type"] == "stream" else output
                for output in self.outputs]


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

    def _format_exception_for_storage(self, exception, filename=None, running_compiled_code=False):
        """IPython formats every error a second time, for a history this shell does not keep: half the cost of a
        failed cell (about 40 ms). The error as shown, with its traceback, is in the cell's outputs."""
        return {"ename": type(exception).__name__, "evalue": str(exception), "traceback": []}

    def run(self, source):
        """Run one cell as a kernel runs an execute request; its outputs."""
        self.cell = CellOutputs()
        self.run_cell(source, store_history=True)
        return self.cell.finished()


def _no_stdin(*_args, **_kwargs):
    raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")


def make_shell():
    """The runner's shell, set up as ipykernel sets up a kernel's: outputs recorded, no history file, plots
    inline unless MPLBACKEND names a backend (as grading's jail does: ``agg``, no figures in the outputs), and
    ipykernel's compiler, whose names for cells make IPython's tracebacks show what a kernel's show (the same
    lines around the failing one). Made once in a template process; every runner forked from it starts from
    this state."""
    from ipykernel.compiler import XCachingCompiler

    shell = RunnerShell.instance(config=Config({"HistoryManager": {"enabled": False}}), compiler_class=XCachingCompiler)
    if not os.environ.get("MPLBACKEND"):
        shell.enable_matplotlib("inline")
    return shell


def warm_tracebacks(shell):
    """Format a failed check's traceback once, in the process runners are forked from: the lexer's compiled
    rules, the source of the checks and IPython's module lookups are then inherited by every runner, not
    rebuilt in each one at its first failed test (they were a tenth of a notebook's cost)."""
    from nnhelpers.checks import CheckFailure, check_equal

    source = "check_equal(1, 2, name='warming up')"
    code = shell.compile(source, shell.compile.cache(source, 0), "exec")
    try:
        exec(code, {"check_equal": check_equal})
    except CheckFailure:
        shell.InteractiveTB.structured_traceback(*sys.exc_info(), tb_offset=0)


def become_runner(shell):
    """This process's output into the shell's cells and no stdin, as in a kernel: done in the runner itself,
    never in the process that made the shell."""
    sys.stdout, sys.stderr = RecordingStream(shell, "stdout"), RecordingStream(shell, "stderr")
    builtins.input = _no_stdin


# -- the protocol -----------------------------------------------------------------------------------------

# Defined in the notebook's namespace at the re-check's first call. Whatever the student's code does to it only
# spoils that student's own answer: what comes back is data, judged by the verdict process.
DISPATCH = r'''
def _autograder_dispatch(request, name):
    import base64, contextlib, io, json, pickle
    namespace = get_ipython().user_ns
    args, kwargs = pickle.loads(base64.b64decode(request))
    sink = io.StringIO()
    result, error = None, None
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            if name not in namespace:
                raise NameError(f"name {name!r} is not defined")
            result = namespace[name](*args, **kwargs)
    except KeyboardInterrupt:
        return json.dumps({"status": "interrupted"})
    except BaseException as caught:
        try:
            message = str(caught)
        except BaseException:
            message = ""
        error = {"types": [c.__name__ for c in type(caught).__mro__], "message": message[:4000]}
    try:
        payload = pickle.dumps((args, kwargs, result), protocol=5)
    except BaseException as caught:
        return json.dumps({"status": "unpicklable", "message": f"{name} returned a {type(result).__name__}, which the "
                           f"grader cannot check (it cannot be copied out of the notebook: {type(caught).__name__}); "
                           "return a NumPy array, a number, or a list, tuple or dict of them"})
    return json.dumps({"status": "raised" if error else "ok", "error": error,
                       "payload": base64.b64encode(payload).decode()})
'''


def send(stream, header, payload=b""):
    stream.write(json.dumps({**header, "size": len(payload)}).encode() + b"\n" + payload)
    stream.flush()


def receive(stream):
    """One of the grader's requests: (header, payload); EOFError when the grader is gone. (The grader reads a runner's
    answers with its own bounded and checked reader, ``framing.FramedReader``.)"""
    line = stream.readline()
    if not line:
        raise EOFError("the other side of the connection went away")
    header = json.loads(line)
    size = header.get("size") if isinstance(header, dict) else None
    if not isinstance(size, int) or size < 0:
        raise ValueError(f"a message with a bad header ({line[:80]!r})")
    payload = stream.read(size)
    if len(payload) != size:
        raise EOFError("the other side of the connection went away mid-message")
    return header, payload


def _interruptible(action):
    """``action()`` with SIGINT raising KeyboardInterrupt, as ipykernel runs a request; the handler in place before
    (the runner's: ignore) is put back after it, whatever the request's code installed."""
    saved = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return action()
    finally:
        signal.signal(signal.SIGINT, saved)


class _Requests:
    """What the runner does for each request (``serve`` reads them, frames the answers)."""

    def __init__(self, shell):
        self.shell = shell
        self.dispatch = None
        self.audit = sys.audit  # the interpreter's own, taken before any notebook code could replace it

    def setup(self, header, payload):
        inbox = header.get("inbox")
        try:
            if inbox:
                shutil.copytree(inbox, ".", dirs_exist_ok=True)
        finally:
            self.audit("autograder.baseline")
        return {"op": "ready"}, b""

    def run(self, header, payload):
        count = self.shell.execution_count
        outputs = self.shell.run(payload.decode("utf-8", "replace"))
        return {"op": "outputs", "execution_count": count}, json.dumps(outputs).encode()

    def call(self, header, payload):
        if self.dispatch is None:
            exec(DISPATCH, self.shell.user_ns)  # as the grader defined it in a kernel: once, in the notebook's namespace
            self.dispatch = self.shell.user_ns["_autograder_dispatch"]
        return {"op": "reply"}, self.dispatch(base64.b64encode(payload).decode(), str(header.get("name"))).encode()

    def probe(self, header, payload):
        self.audit("autograder.probe", payload.decode("utf-8", "replace"))
        return {"op": "probed"}, b""


def serve(shell, requests, answers):
    """Become the runner and answer the grader's requests until it says ``done`` or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt between requests changes nothing
    become_runner(shell)
    handlers = _Requests(shell)
    operations = {"setup": handlers.setup, "run": handlers.run, "call": handlers.call, "probe": handlers.probe}
    while True:
        try:
            header, payload = receive(requests)
        except (EOFError, ValueError, OSError):
            return
        operation = operations.get(header.get("op"))
        if operation is None:
            return
        try:
            answer, data = _interruptible(lambda: operation(header, payload))  # noqa: B023 (called at once)
        except KeyboardInterrupt:  # the grader's interrupt, just outside the cell's own code
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            answer, data = {"op": "interrupted"}, b""
        except Exception as error:  # e.g. the submission's files do not fit in its folder
            answer, data = {"op": "failed", "error": f"{type(error).__name__}: {error}"[:2000]}, b""
        try:
            send(answers, {**answer, "id": header.get("id")}, data)
        except OSError:
            return
