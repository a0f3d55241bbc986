"""The trusted re-check of every test cell, as the grading process sees it.

The test cells' verdicts come from the verdict process (``autograder.grading.verdict``), which runs
the instructor's test cells (visible and hidden parts) from ``source/`` and calls the student's
functions in the notebook's runner through proxies. This module starts that process (jailed, one per
worker), and relays: each call it asks for becomes a ``call`` request to the runner, whose answer (JSON with
the pickled value as base64) goes back as bytes. This process parses JSON only and never unpickles
what the runner sends.

A test cell is re-checked at its own place in the notebook, just before the runner runs the cell's
visible part, so the student's functions are called in exactly the state the notebook has there. The
runner never sees a hidden test: the hidden part of a cell runs in the verdict process only.
"""

import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from autograder.grading import jail
from autograder.grading.framing import Closed, FramedReader, frame

VERDICT_SCRIPT = Path(__file__).with_name("verdict.py")
START_TIMEOUT = 60  # importing NumPy and pandas on a busy machine
SETUP_BUDGET = 120  # seconds for a locked cell of the instructor's (no student code in it)
VERDICT_GRACE = 60  # seconds the verdict process may spend on its own work beyond a cell's budget


class VerdictUnavailable(RuntimeError):
    """The verdict process could not start or stopped answering."""


class VerdictProcess:
    """The worker's verdict process: started on first use, restarted when it dies, killed at exit."""

    def __init__(self, course_root, limits):
        self.course_root = course_root
        self.limits = limits
        self.process = None
        self.reader = None

    def _start(self):
        settings = {"memory_bytes": self.limits.memory_bytes}
        if self.limits.jail:
            command = jail.verdict_command(self.course_root, self.limits, settings)
            env = None
        else:
            command = [sys.executable, "-I", str(VERDICT_SCRIPT), json.dumps(settings)]
            env = dict(os.environ)
            data = Path(self.course_root) / "data"
            if data.is_dir():
                env["NNHELPERS_DATA_DIR"] = str(data)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        self.reader = FramedReader(self.process.stdout.fileno())

    def ensure_started(self):
        if self.process is None or self.process.poll() is not None:
            self.close()
            self._start()

    def close(self):
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(Exception):
            process.wait(timeout=10)
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(Exception):
                stream.close()

    # -- framing: a JSON header line, then `size` bytes -------------------------------------
    def send(self, header, payload=b""):
        try:
            self.process.stdin.write(frame(header, payload))
            self.process.stdin.flush()
        except (OSError, ValueError) as error:
            raise VerdictUnavailable(f"the verdict process stopped ({error})") from None

    def receive(self, deadline):
        try:
            return self.reader.receive(deadline)
        except TimeoutError:
            raise VerdictUnavailable("the verdict process did not answer in time") from None
        except Closed:
            raise VerdictUnavailable("the verdict process stopped") from None

    def exchange(self, header, payload, deadline, on_call):
        """Send a request and relay the verdict process's calls until its answer comes."""
        self.send(header, payload)
        while True:
            answer, data = self.receive(deadline)
            if answer.get("op") != "call":
                return answer
            reply, reply_payload = on_call(answer["name"], data)
            self.send({"op": "reply", **reply}, reply_payload)


class RunnerCaller:
    """Calls a graded function in the student's runner for the verdict process, within a deadline."""

    def __init__(self, execution):
        self.execution = execution  # the notebook's NotebookExecution: its runner, and how to stop it
        self.deadline = None
        self.dead = None  # why the runner can no longer be called

    def __call__(self, name, request):
        from autograder.grading.pool import RunnerGarbled, RunnerGone, RunnerTimeout

        if self.dead:
            return {"status": "dead", "message": self.dead}, b""
        runner = self.execution.runner
        try:
            try:
                header, payload = runner.request("call", request, self.deadline, name=name)
            except RunnerTimeout:
                header, payload = runner.interrupted()
        except RunnerTimeout:
            self.dead = f"{name} kept running after its time limit and did not stop when interrupted"
        except RunnerGone:
            self.dead = f"the kernel died while {name} ran (it crashed the interpreter, exited, or went over the memory limit)"
        except RunnerGarbled as error:
            runner.kill()
            self.dead = f"the kernel's answer to a call of {name} could not be read ({error})"
        if self.dead:
            return {"status": "dead", "message": self.dead}, b""
        if header["op"] == "interrupted":
            return {"status": "timeout", "message": f"{name} ran longer than this test's time limit"}, b""
        if header["op"] != "reply":
            return {"status": "broken", "message": f"the notebook's kernel could not call {name} (its Python was "
                                                   "changed)"}, b""
        return self.answer(name, payload.decode("utf-8", "replace"))

    @staticmethod
    def answer(name, text):
        """The dispatcher's JSON (see ``runner.DISPATCH``), read as hostile data: (reply header, pickled payload)."""
        broken = {"status": "broken", "message": f"the notebook's kernel could not call {name} (its Python was changed)"}
        try:
            answer = json.loads(text)
            status = answer["status"]
        except Exception:
            return broken, b""
        if status == "interrupted":
            return {"status": "timeout", "message": f"{name} ran longer than this test's time limit"}, b""
        if status not in ("ok", "raised"):
            return {"status": "refused", "message": str(answer.get("message", status))[:2000]}, b""
        try:
            payload = base64.b64decode(answer["payload"], validate=True)
        except Exception:
            return broken, b""
        error = answer.get("error")
        return {"status": status, "error": error if isinstance(error, dict) else None}, payload


class ReplaySession:
    """One notebook's re-check: the plan's cells, run in order as the executor reaches them."""

    def __init__(self, verdict, plan, executor):
        self.verdict = verdict
        self.cells = plan["cells"]
        self.functions = plan["functions"]
        self.position = {cell["grade_id"]: i for i, cell in enumerate(self.cells)}
        self.caller = RunnerCaller(executor)
        self.outcomes = {}
        self.next = 0
        self.started = False
        self.problem = None  # a failure of the grader's own machinery, for a GRADER flag

    def covers(self, grade_id):
        return grade_id in self.position

    def _begin(self):
        self.started = True
        try:
            self.verdict.ensure_started()
            deadline = time.monotonic() + START_TIMEOUT
            answer = self.verdict.exchange({"op": "begin", "functions": self.functions}, b"", deadline, self.caller)
            if answer.get("op") != "ready":
                raise VerdictUnavailable(f"the verdict process answered {answer.get('op')!r}")
        except (VerdictUnavailable, OSError) as error:
            self._broken(f"the trusted re-check could not start: {error}")

    def _broken(self, message):
        self.problem = self.problem or message
        self.verdict.close()

    def _run(self, index, budget):
        cell = self.cells[index]
        if self.problem:
            return {"ok": False, "stage": "visible", "ename": "RecheckFailed", "evalue": self.problem, "grader": True}
        self.caller.deadline = time.monotonic() + budget
        parts = [["visible", cell["visible"]]] + ([["hidden", cell["hidden"]]] if cell.get("hidden") else [])
        try:
            answer = self.verdict.exchange({"op": "cell", "label": cell["grade_id"]}, json.dumps(parts).encode(),
                                           time.monotonic() + budget + VERDICT_GRACE, self.caller)
        except (VerdictUnavailable, OSError, ValueError) as error:
            self._broken(f"the trusted re-check stopped in {cell['grade_id']}: {error}")
            return {"ok": False, "stage": "visible", "ename": "RecheckFailed", "evalue": self.problem, "grader": True}
        if answer.get("op") != "result":
            self._broken(f"the verdict process answered {answer.get('op')!r} in {cell['grade_id']}")
            return {"ok": False, "stage": "visible", "ename": "RecheckFailed", "evalue": self.problem, "grader": True}
        return {k: answer[k] for k in ("ok", "stage", "ename", "evalue") if k in answer}

    def run(self, grade_id, budget):
        """The outcome of the plan's cell ``grade_id`` (running any earlier plan cell not yet run first)."""
        if not self.started:
            self._begin()
        target = self.position[grade_id]
        while self.next <= target:
            index = self.next
            self.next += 1
            if index not in self.outcomes:
                is_target = index == target
                self.outcomes[index] = self._run(index, budget if is_target and budget else SETUP_BUDGET)
        return self.outcomes[target]

    @property
    def runner_dead(self):
        return self.caller.dead
