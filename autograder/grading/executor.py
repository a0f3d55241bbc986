"""nbgrader's Execute preprocessor, taught what grading untrusted notebooks needs: a time cap for the
whole notebook, surviving a dead kernel, copying the submission's files into the jail, the trusted
re-check of every test cell (``autograder.grading.replay``), and the integrity probe after every test cell."""

import contextlib
import os
import signal
import threading
import time

from autograder.feedback import error_output

NOT_RUN = "NotRun"


def make_executor(config, **kwargs):
    """nbgrader's Execute preprocessor, taught three things it does not do by itself:
    a time cap for the whole submission, surviving a dead kernel, and running the integrity probe."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbgrader.preprocessors import Execute

    class GradingExecute(Execute):
        def __init__(self, time_cap, nonce, inbox=None, **kw):
            super().__init__(**kw)
            self.replay = None  # the notebook's ReplaySession, set by the pipeline
            self.divergences = []  # (grade_id, outcome): passed in the kernel, failed the trusted re-check
            self.inbox = inbox
            self.started_cells = False
            self.probes_sent = 0
            self.time_cap = time_cap
            self.nonce = nonce
            self.dead = None
            self.started = None
            self.last_code_index = -1
            self.watchdog = None
            self.over_cap = False
            self.capped = False

        def remaining(self):
            return self.time_cap - (time.monotonic() - self.started)

        def _cell_timeout(self, cell):
            return max(1, min(self.timeout, int(self.remaining()) + 1))

        def _kill_kernel(self):
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            if process is not None:
                with contextlib.suppress(OSError):
                    os.kill(process.pid, signal.SIGKILL)

        def _kill_after_cap(self):
            # The last resort, should a kernel stop answering even the timeouts' interrupts.
            deadline = self.started + self.time_cap + 10
            while not self.done.wait(timeout=0.5):
                if time.monotonic() > deadline:
                    self.over_cap = True
                    self._kill_kernel()
                    return

        def preprocess(self, nb, resources=None, km=None):
            self.started = time.monotonic()
            self.timeout_func = self._cell_timeout
            self.last_code_index = max((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), default=-1)
            self.done = threading.Event()
            self.watchdog = threading.Thread(target=self._kill_after_cap, daemon=True)
            self.watchdog.start()
            try:
                return super().preprocess(nb, resources, km)
            finally:
                self.done.set()

        def preprocess_cell(self, cell, resources, index):
            if cell.cell_type != "code":
                return cell, resources
            if not self.started_cells:
                self.started_cells = True
                baseline = "__import__('sys').audit('autograder.baseline')"
                if self.inbox:  # the submission's files into its folder, in the same request (each costs ~4 ms)
                    baseline = (f"try:\n    __import__('shutil').copytree({self.inbox!r}, '.', dirs_exist_ok=True)\n"
                                f"finally:\n    {baseline}")
                self._silent(baseline)
            if self.dead:
                cell.outputs = [error_output(NOT_RUN, f"not run: {self.dead}")]
            elif self.remaining() <= 0:
                self.capped = True
                cell.outputs = [error_output(NOT_RUN, f"not run: the notebook used up its time limit of {self.time_cap} s")]
            else:
                cell, resources = self._run_cell(cell, resources, index)
            # A probe right after every test cell (and after the last cell): each verdict is checked while
            # whatever produced it is still in place; silent, so no IPython cell event runs before it.
            from nbgrader.utils import is_grade

            if (index == self.last_code_index or is_grade(cell)) and not self.dead:
                self._probe()
            return cell, resources

        def _run_cell(self, cell, resources, index):
            """The trusted re-check of an instructor's cell first (in the state the notebook has here), then the
            kernel runs the cell without its hidden part: hidden tests never reach the student's process."""
            from nbgrader.utils import is_grade, is_solution

            from autograder.assignments import without_hidden_tests

            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if self.replay is None or is_solution(cell) or not self.replay.covers(grade_id):
                return self._execute(cell, resources, index)
            # A test cell's re-check (its visible and hidden parts) has the time limit the whole cell had in the kernel.
            outcome = self.replay.run(grade_id, self._cell_timeout(cell) if is_grade(cell) else None)
            if self.replay.kernel_dead:
                self.dead = self.replay.kernel_dead
                cell.outputs = [error_output("KernelDied", self.dead)]
                return cell, resources
            if not is_grade(cell):
                return self._execute(cell, resources, index)
            if outcome.get("ename") == "CellTimeoutError":
                # Already too slow: running it in the kernel again would only spend the notebook's time a second time.
                cell.outputs = [error_output(outcome["ename"], outcome["evalue"])]
                return cell, resources
            full = cell.source
            cell.source = without_hidden_tests(full)
            try:
                cell, resources = self._execute(cell, resources, index)
            finally:
                cell.source = full
            kernel_failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            if not outcome["ok"] and not kernel_failed:
                # The lower of the two verdicts: the kernel's passed, the trusted one did not.
                cell.outputs.append(error_output(outcome["ename"], outcome["evalue"]))
                if outcome["stage"] == "visible" and not outcome.get("grader"):
                    self.divergences.append((grade_id, outcome))
            return cell, resources

        def _execute(self, cell, resources, index):
            try:
                return super().preprocess_cell(cell, resources, index)
            except CellTimeoutError:
                # The cell ignored the interrupt that follows its timeout (signal handlers, C code):
                # the kernel cannot run anything else, so it is stopped.
                self._kill_kernel()
                self.dead = (f"a cell kept running after its time limit of {self.timeout} s and did not stop when "
                             "interrupted, so the kernel was stopped")
                cell.outputs.append(error_output("KernelStopped", self.dead))
            except DeadKernelError:
                where = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
                if self.over_cap:
                    self.dead = f"the notebook was stopped in {where} after its time limit of {self.time_cap} s"
                else:
                    self.dead = (f"the kernel died in {where} (the code crashed the interpreter, exited, or went over "
                                 "the memory limit)")
                cell.outputs.append(error_output("KernelDied", self.dead))
            return cell, resources

        def _silent(self, code):
            """Run the grader's own code in the kernel: silent, so no history and no IPython cell events."""
            try:
                msg_id = self.kc.execute(code, silent=True, store_history=False)
                reply = self.wait_for_reply(msg_id)  # bounded by the cell timeout
            except Exception:  # a kernel that no longer answers: the missing probe line in the report says so
                return False
            return bool(reply) and reply.get("content", {}).get("status") == "ok"

        def _probe(self):
            if self._silent(f"__import__('sys').audit('autograder.probe', {self.nonce!r})"):
                self.probes_sent += 1

    return GradingExecute(config=config, **kwargs)
