"""A notebook's cells run in its runner, as nbgrader's Execute preprocessor would run them in a kernel, with what
grading untrusted notebooks needs besides: a time limit per cell and for the whole notebook, surviving a runner
that dies or answers nonsense, copying the submission's files into the jail, the trusted re-check of every test
cell (``autograder.grading.replay``), and the integrity probe after every test cell.

What nbgrader's Execute (nbclient) does and this keeps: cells run in order, errors do not stop the notebook, an
empty cell (or one tagged ``skip-execution``) is not run, each cell gets its execution count, the notebook gets
the kernel's ``language_info``, and a cell that outlives its timeout is interrupted and gets a
``CellTimeoutError``. What it leaves out: the timing metadata nbclient writes into every cell (nothing reads it,
and it would make two gradings of one notebook differ), and display updates across cells (a display updated by
a later cell keeps its first content)."""

import json
import time

import nbformat

from autograder.feedback import error_output
from autograder.grading.pool import RunnerAnswerTooLarge, RunnerGarbled, RunnerGone, RunnerTimeout

NOT_RUN = "NotRun"
SKIP_TAG = "skip-execution"  # nbclient's skip_cells_with_tag
OUTPUT_TYPES = {"stream": {"name": str, "text": str}, "display_data": {"data": dict, "metadata": dict},
                "execute_result": {"data": dict, "metadata": dict}, "error": {"ename": str, "evalue": str, "traceback": list}}


def language_info():
    """What a Python kernel reports about its language, as nbclient stores it in the notebook's metadata."""
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


def _is_text(value):
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(line, str) for line in value))


def _checked_outputs(payload):
    """A runner's outputs as notebook outputs, or RunnerGarbled: the notebook's code could have written anything."""
    try:
        outputs = json.loads(payload)
    except ValueError:
        raise RunnerGarbled("a cell's outputs are not JSON") from None
    if not isinstance(outputs, list):
        raise RunnerGarbled("a cell's outputs are not a list")
    checked = []
    for output in outputs:
        fields = OUTPUT_TYPES.get(output.get("output_type")) if isinstance(output, dict) else None
        if fields is None or any(not isinstance(output.get(name), kind) for name, kind in fields.items()):
            raise RunnerGarbled("a cell output of an unknown shape")
        if "data" in fields and not all(isinstance(mime, str) and (_is_text(value) or mime.endswith("json"))
                                        for mime, value in output["data"].items()):
            raise RunnerGarbled("display data that is neither text nor JSON")
        if output["output_type"] == "stream" and output["name"] not in ("stdout", "stderr"):
            raise RunnerGarbled("a stream that is neither stdout nor stderr")
        if output["output_type"] == "execute_result" and not isinstance(output.get("execution_count"), (int, type(None))):
            raise RunnerGarbled("a result without an execution count")
        if output["output_type"] == "error" and not all(isinstance(line, str) for line in output["traceback"]):
            raise RunnerGarbled("a traceback that is not text")
        checked.append(nbformat.from_dict({name: output[name] for name in (*fields, "output_type", "execution_count")
                                           if name in output}))
    return checked


class NotebookExecution:
    """One notebook's run in one runner (see the module's doc). ``dead`` says why the runner can no longer run
    anything; ``capped`` that the notebook used up its time; ``divergences`` the test cells that passed in the
    notebook but failed the trusted re-check."""

    def __init__(self, runner, *, cell_timeout, time_cap, nonce, inbox=None):
        self.runner = runner
        self.timeout = cell_timeout
        self.time_cap = time_cap
        self.nonce = nonce
        self.inbox = inbox
        self.replay = None  # the notebook's ReplaySession, set by the pipeline
        self.divergences = []  # (grade_id, outcome)
        self.probes_sent = 0
        self.dead = None
        self.probe_failed = None  # why a probe got no answer from a runner that is still alive
        self.capped = False
        self.started = None

    def remaining(self):
        return self.time_cap - (time.monotonic() - self.started)

    def cell_timeout(self):
        return max(1, min(self.timeout, int(self.remaining()) + 1))

    def preprocess(self, nb, resources):
        """Run every code cell of ``nb`` in order (in place); (nb, resources), as a preprocessor answers."""
        from nbgrader.utils import is_grade

        self.started = time.monotonic()
        nb.metadata["language_info"] = language_info()
        code = [index for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
        if code:
            self._setup()
        for index in code:
            cell = nb.cells[index]
            if self.dead:
                cell.outputs = [error_output(NOT_RUN, f"not run: {self.dead}")]
            elif self.remaining() <= 0:
                self.capped = True
                cell.outputs = [error_output(NOT_RUN, f"not run: the notebook used up its time limit of {self.time_cap} s")]
            else:
                self._run_cell(cell, index)
            # A probe right after every test cell (and after the last cell): each verdict is checked while
            # whatever produced it is still in place.
            if (index == code[-1] or is_grade(cell)) and not self.dead:
                self._probe()
        return nb, resources

    def _setup(self):
        """The submission's files into its folder, then the witness's baseline, before any cell."""
        try:
            self.runner.request("setup", deadline=time.monotonic() + self.timeout, inbox=self.inbox)
        except (RunnerTimeout, RunnerGone, RunnerGarbled) as error:
            self._stop(f"the kernel could not be set up for the notebook ({error or type(error).__name__})")

    def _run_cell(self, cell, index):
        """The trusted re-check of an instructor's cell first (in the state the notebook has here), then the
        runner runs the cell without its hidden part: hidden tests never reach the student's process."""
        from nbgrader.utils import is_grade, is_solution

        from autograder.assignments import without_hidden_tests

        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if self.replay is None or is_solution(cell) or not self.replay.covers(grade_id):
            return self._execute(cell, index)
        # A test cell's re-check (its visible and hidden parts) has the time limit the whole cell has in the runner.
        outcome = self.replay.run(grade_id, self.cell_timeout() if is_grade(cell) else None)
        if self.replay.runner_dead:
            self.dead = self.replay.runner_dead
            cell.outputs = [error_output("KernelDied", self.dead)]
            return
        if not is_grade(cell):
            return self._execute(cell, index)
        if outcome.get("ename") == "CellTimeoutError":
            # Already too slow: running it again would only spend the notebook's time a second time.
            cell.outputs = [error_output(outcome["ename"], outcome["evalue"])]
            return
        full = cell.source
        cell.source = without_hidden_tests(full)
        try:
            self._execute(cell, index)
        finally:
            cell.source = full
        failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if not outcome["ok"] and not failed:
            # The lower of the two verdicts: the notebook's passed, the trusted one did not.
            cell.outputs.append(error_output(outcome["ename"], outcome["evalue"]))
            if outcome["stage"] == "visible" and not outcome.get("grader"):
                self.divergences.append((grade_id, outcome))

    def _execute(self, cell, index):
        """Run one cell in the runner: its outputs and execution count, or why it stopped."""
        if not cell.source.strip() or SKIP_TAG in cell.get("metadata", {}).get("tags", []):
            return  # as nbclient: not run, no execution count
        cell.get("metadata", {}).pop("execution", None)  # no stale timing from the student's own run
        where = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
        timed_out = False
        try:
            try:
                header, payload = self.runner.request("run", cell.source.encode(), time.monotonic() + self.cell_timeout())
            except RunnerTimeout:
                timed_out = True
                header, payload = self.runner.interrupted()
            if header["op"] == "interrupted":  # stopped just outside the cell's own code
                cell.outputs = []
            elif header["op"] == "failed":  # the runner's own work failed (its memory, say)
                cell.outputs = [error_output("RunnerError", str(header.get("error"))[:2000])]
            elif header["op"] == "outputs":
                cell.outputs = _checked_outputs(payload)
            else:
                raise RunnerGarbled(f"the answer {header['op']!r} to a cell")
            if isinstance(header.get("execution_count"), int):
                cell.execution_count = header["execution_count"]
        except RunnerTimeout:
            # The cell ignored the interrupt that follows its timeout (signal handlers, C code): the runner
            # cannot run anything else, so it is stopped.
            self._stop(f"a cell kept running after its time limit of {self.timeout} s and did not stop when "
                       "interrupted, so the kernel was stopped")
            cell.outputs.append(error_output("KernelStopped", self.dead))
            return
        except RunnerGone:
            self._stop(f"the kernel died in {where} (the code crashed the interpreter, exited, or went over the "
                       "memory limit)")
            cell.outputs.append(error_output("KernelDied", self.dead))
            return
        except RunnerAnswerTooLarge as error:
            self._stop(f"{where} made {error}, so the kernel was stopped")
            cell.outputs.append(error_output("KernelStopped", self.dead))
            return
        except RunnerGarbled as error:
            self._stop(f"the kernel's answer to {where} could not be read ({error}): the notebook changed the "
                       "grader's code")
            cell.outputs.append(error_output("KernelDied", self.dead))
            return
        if timed_out:
            # As nbgrader's Execute records a timeout: the interrupt's own error, then the timeout's.
            cell.outputs.append(error_output("CellTimeoutError", f"this cell ran longer than {self.timeout} s and was "
                                                                 "stopped (an endless loop?)"))

    def _stop(self, reason):
        self.runner.kill()
        self.dead = self.dead or reason

    def _probe(self):
        """The witness's probe. A runner that does not answer it (a hook of the notebook's own in the way) is
        stopped, and that is tampering; one that died is a dead runner."""
        try:
            header, _ = self.runner.request("probe", self.nonce.encode(), time.monotonic() + self.timeout)
        except RunnerGone:
            self._stop("the kernel died during the grader's integrity check")
            return
        except (RunnerTimeout, RunnerGarbled) as error:
            self.probe_failed = f"the integrity check got no answer ({error or 'it did not finish in time'})"
            self._stop("the kernel stopped answering the grader's integrity check")
            return
        if header["op"] == "probed":
            self.probes_sent += 1
