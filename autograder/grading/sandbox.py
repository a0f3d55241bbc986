"""The process a submission is graded in: the runner (``runner.py``) with limits and a witness.

Forked by the worker's warm template (``template.py``), or, for a grader not run by root, started by
bubblewrap as ``python -I sandbox.py`` with its settings in the environment variable ``AUTOGRADER_SANDBOX``
(JSON, removed before any notebook code runs). Before the runner serves its first request it:

1. imports the modules the tests rely on and fingerprints them (every attribute's identity), the
   entries of ``sys.modules``, the IPython hooks and the runner's own code a submission could use to
   skip or rewrite test cells;
2. installs an audit hook (Python offers no way to remove one) that records every file a notebook
   opens or lists inside a watched folder (the course, the grading scratch area, the home folder)
   other than its own working folder, the course data and library locations;
3. caps the process's resources (``memory_bytes`` and the others), so a runaway allocation raises
   MemoryError or kills only this runner.

When the grader asks for a probe (after every test cell and the last cell), the hook compares everything
with the fingerprints and appends a JSON line with what changed to the report file. A report without that
line (the runner died, or the hook could not run) is itself a finding. This is a witness, not a jail: it
cannot stop a determined attacker inside the same process, but it leaves evidence, and the grader withholds
a tampered submission's score until a person has looked.
"""

import contextlib
import json
import os
import sys

PROTECTED_MODULES = ("builtins", "math", "numpy", "numpy.linalg", "importlib", "copy", "numbers", "operator",
                     "functools", "types", "nnhelpers.checks", "nnhelpers.gradcheck")
# Underscore names of builtins that are machinery a probe or test relies on, so they are watched too.
WATCHED_PRIVATE_BUILTINS = {"__import__", "__build_class__"}
# Names IPython and ipykernel themselves swap in builtins while a cell runs (input is forwarded to
# the front end), and the display hook's last results.
IPYTHON_MANAGED_BUILTINS = {"_", "__", "___", "exit", "quit", "get_ipython", "display", "__IPYTHON__", "help",
                            "input", "raw_input"}
SHELL_METHODS = ("run_cell", "run_cell_async", "run_code", "run_ast_nodes", "transform_cell", "showtraceback",
                 "_run_cell", "should_run_async", "ex", "ev", "run", "_showtraceback")
RUNNER_MODULE = "_autograder_runner"  # runner.py's name in sys.modules (a student's own runner.py stays theirs)
MAX_FILE_EVENTS = 50
WATCHED_EVENTS = {"open", "os.listdir", "os.scandir", "glob.glob", "os.walk", "shutil.copyfile", "os.remove", "os.rmdir",
                  "os.rename", "os.mkdir", "shutil.rmtree", "os.chmod", "os.truncate"}


def _fingerprint(module):
    """Every attribute of ``module``, kept (so none can be freed and its id reused). The probe compares them
    with ``is``: ``id()`` is an audited call, and each one ran the witness's own hook (1,100 a probe)."""
    return dict(vars(module))


FUNCTION_PARTS = ("__code__", "__defaults__", "__kwdefaults__", "__closure__", "__globals__")


def _code_fingerprint(module):
    """What an attribute-level fingerprint misses: a function keeps its identity when its ``__code__``,
    defaults or closure are replaced. The function and its parts themselves are kept, not their ids: nothing
    recorded can be freed, so no replacement can be given a recorded id, and the probe compares with ``is``
    (it used to hash every function's bytecode as well, against such a reuse)."""
    import types

    return {name: (value, tuple(getattr(value, part) for part in FUNCTION_PARTS))
            for name, value in vars(module).items() if isinstance(value, types.FunctionType)}


def _number_abcs_wrong():
    """Types the checks rely on not being numbers (``numbers.Number.register(list)`` would make a list pass
    as a scalar), and numbers that must still be numbers."""
    import numbers

    import numpy

    wrong = []
    for value in ("", b"", [], (), {}, None, numpy.zeros(2)):
        for abc_ in (numbers.Number, numbers.Complex, numbers.Real, numbers.Rational, numbers.Integral):
            if isinstance(value, abc_):
                wrong.append(f"a {type(value).__name__} now counts as numbers.{abc_.__name__}")
    for value, abc_ in ((1, numbers.Integral), (1.0, numbers.Real), (numpy.float64(1), numbers.Real)):
        if not isinstance(value, abc_):
            wrong.append(f"a {type(value).__name__} no longer counts as numbers.{abc_.__name__}")
    return wrong


def _signal_handlers():
    import signal

    handlers = {}
    for number in signal.valid_signals():
        # SIGINT is the grader's own interrupt; a submission ignoring it is stopped, not a cheat.
        if number in (signal.SIGKILL, signal.SIGSTOP, signal.SIGINT):
            continue
        with contextlib.suppress(Exception):
            handlers[int(number)] = signal.getsignal(number)
    return handlers


def _set_limits(settings):
    """Hard limits, inherited by every process the notebook starts; a submission cannot raise them."""
    import resource

    limits = {resource.RLIMIT_AS: settings.get("memory_bytes"), resource.RLIMIT_NOFILE: settings.get("max_open_files"),
              resource.RLIMIT_FSIZE: settings.get("max_file_bytes"), resource.RLIMIT_NPROC: settings.get("max_processes"),
              resource.RLIMIT_CORE: 0}
    for which, value in limits.items():
        if value is None:
            continue
        if which == resource.RLIMIT_NPROC:
            if not settings.get("nproc_rlimit"):
                continue  # a pids cgroup caps the jail's processes
            # Counted per user across the host (and not enforced for root): a coarse fallback that still
            # stops a fork bomb where no pids cgroup could be made.
            value = int(value) * 4
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (int(value), int(value)))


class Witness:
    """Fingerprints taken before the notebook runs, and the audit hook that reports against them."""

    def __init__(self, settings):
        import importlib

        self.report_fd = os.open(settings["report_path"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.workdir = os.path.realpath(settings["workdir"])
        self.watched = tuple(os.path.realpath(p) for p in settings.get("watched_roots", []))
        self.allowed = tuple(os.path.realpath(p) for p in settings.get("allowed_roots", []))
        self.jailed = bool(settings.get("jail"))
        self.modules = {name: importlib.import_module(name) for name in PROTECTED_MODULES}
        self.fingerprints = {name: _fingerprint(module) for name, module in self.modules.items()}
        self.code_fingerprints = {name: _code_fingerprint(module) for name, module in self.modules.items()}
        self.baseline = None
        self.sys_modules = sys.modules
        self.sys_audit = sys.audit
        self.excepthook = sys.excepthook
        self.file_events = 0
        self.in_hook = False
        self.shell_state = None

    # -- the file witness ------------------------------------------------------------------
    def _inside(self, path, roots):
        return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)

    def _watch_file(self, event, args):
        if not args or self.file_events >= MAX_FILE_EVENTS:
            return
        target = args[0]
        if isinstance(target, bytes):
            target = os.fsdecode(target)
        if not isinstance(target, str):
            return  # a file descriptor, or an open() of an already open file
        path = os.path.realpath(os.path.join(os.getcwd(), target))
        if self._inside(path, (self.workdir,)) or self._inside(path, self.allowed):
            return
        if self._inside(path, self.watched):
            self.file_events += 1
            self._write({"event": "file", "action": event, "path": path})

    # -- the integrity probe ---------------------------------------------------------------
    def snapshot_shell(self, shell):
        """The shell's hooks, and the runner's own code (``runner.py``) that records a cell's outputs and answers."""
        runner = sys.modules[type(shell).__module__]
        classes = [value for value in vars(runner).values() if isinstance(value, type) and value.__module__ == runner.__name__]
        self.shell_state = {
            "shell": shell,
            "transformers": [list(shell.input_transformers_cleanup), list(shell.input_transformers_post),
                             list(shell.ast_transformers)],
            "callbacks": {name: list(callbacks) for name, callbacks in shell.events.callbacks.items()},
            "custom_exceptions": shell.custom_exceptions,
            "shell_methods": {name: getattr(type(shell), name, None) for name in SHELL_METHODS},
            "hooks": {"displayhook": shell.displayhook, "display_pub": shell.display_pub},
            "runner": (runner, _fingerprint(runner), _code_fingerprint(runner)),
            "runner_classes": {cls: dict(vars(cls)) for cls in classes},
        }

    def _changed_runner(self):
        """The runner's functions and classes (what records outputs and frames answers), kept as they were."""
        state = self.shell_state
        runner, attributes, functions = state["runner"]
        findings = []
        if sys.modules.get(runner.__name__) is not runner:
            findings.append("the runner's module was replaced in sys.modules")
        current = vars(runner)
        for name, original in attributes.items():
            if current.get(name) is not original:
                findings.append(f"the runner's {name} was replaced")
        for name, (function, parts) in functions.items():
            if any(getattr(function, part) is not before for part, before in zip(FUNCTION_PARTS, parts, strict=True)):
                findings.append(f"the runner's {name} kept its identity but its code, defaults or closure changed")
        for cls, members in state["runner_classes"].items():
            now = vars(cls)
            for name, original in members.items():
                if now.get(name) is not original:
                    findings.append(f"the runner's {cls.__name__}.{name} was replaced")
            findings.extend(f"the runner's {cls.__name__}.{name} was added" for name in now if name not in members)
        return findings

    def _changed_modules(self):
        findings = []
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                findings.append(f"sys.modules[{name!r}] was replaced")
            current = vars(module)
            for attribute, original in self.fingerprints[name].items():
                if name == "builtins" and (attribute in IPYTHON_MANAGED_BUILTINS or (
                        attribute.startswith("_") and attribute not in WATCHED_PRIVATE_BUILTINS)):
                    continue
                if attribute not in current:
                    findings.append(f"{name}.{attribute} was deleted")
                elif current[attribute] is not original:
                    findings.append(f"{name}.{attribute} was reassigned")
        for name, module in self.modules.items():
            current = vars(module)
            for attribute, (function, parts) in self.code_fingerprints[name].items():
                if current.get(attribute) is function and any(
                        getattr(function, part) is not before for part, before in zip(FUNCTION_PARTS, parts, strict=True)):
                    findings.append(f"{name}.{attribute} kept its identity but its code, defaults or closure changed")
        findings.extend(_number_abcs_wrong())
        if sys.modules is not self.sys_modules:
            findings.append("sys.modules itself was replaced")
        if sys.audit is not self.sys_audit:
            findings.append("sys.audit was replaced")
        if sys.gettrace() is not None or sys.getprofile() is not None:
            findings.append("a trace or profile function was installed (sys.settrace/sys.setprofile)")
        return findings

    def take_baseline(self):
        """What the runner looks like just before the first cell: its threads, signal handlers, hooks."""
        import gc
        import threading

        self.baseline = {"threads": {t.ident for t in threading.enumerate()}, "signals": _signal_handlers(),
                         "gc_callbacks": list(gc.callbacks), "excepthook": sys.excepthook,
                         "displayhook": sys.displayhook}

    @staticmethod
    def _foreign(thread):
        """A thread running code that is not the interpreter's or an installed package's (ipykernel starts
        threads of its own while a cell prints a lot)."""
        trusted = tuple(os.path.realpath(p) + os.sep for p in {sys.prefix, sys.base_prefix})
        targets = [getattr(thread, "_target", None), getattr(thread, "function", None), type(thread).run]
        for target in targets:
            if target is None:
                continue
            code = getattr(target, "__code__", None) or getattr(getattr(target, "__func__", None), "__code__", None)
            if code is None:
                if target is targets[0]:
                    return True  # a builtin as a thread's target: only a notebook would do that here
                continue
            if not os.path.realpath(code.co_filename).startswith(trusted):
                return True
        return False

    def _changed_runtime(self):
        """Ways to run code between a test cell and this probe, or to rewrite an error before it is reported."""
        import gc
        import signal
        import threading

        base = self.baseline
        if base is None:
            return []
        findings = []
        started = [t.name for t in threading.enumerate() if t.ident not in base["threads"] and self._foreign(t)]
        if started:
            findings.append(f"the notebook left threads running ({', '.join(started[:3])})")
        now = _signal_handlers()
        changed = [signal.Signals(n).name for n, h in now.items() if base["signals"].get(n) is not h]
        if changed:
            findings.append(f"signal handlers were installed ({', '.join(changed[:3])})")
        if any(signal.getitimer(which)[0] for which in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF)):
            findings.append("an interval timer was started (signal.setitimer)")
        if gc.callbacks != base["gc_callbacks"]:
            findings.append("garbage-collector callbacks were installed (gc.callbacks)")
        if sys.excepthook != base["excepthook"]:  # IPython sets a fresh bound method for each cell
            findings.append("sys.excepthook was replaced")
        if sys.displayhook != base["displayhook"]:
            findings.append("sys.displayhook was replaced")
        if self.jailed:
            # In the jail's PID namespace the runner is process 1 (or 2, under bubblewrap's 1): anything else was
            # started by the notebook (it is killed with the jail, but a process that outlives its cell can act later).
            others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]
            if others:
                findings.append(f"the notebook left {len(others)} process(es) running")
        return findings

    def _changed_shell(self):
        state = self.shell_state
        if state is None:
            return []
        shell = state["shell"]
        findings = []
        now = [list(shell.input_transformers_cleanup), list(shell.input_transformers_post), list(shell.ast_transformers)]
        for label, before, after in zip(("input transformers", "post-input transformers", "AST transformers"),
                                        state["transformers"], now, strict=True):
            if before != after:
                findings.append(f"IPython {label} were changed")
        for name, callbacks in shell.events.callbacks.items():
            if callbacks != state["callbacks"].get(name, []):
                findings.append(f"IPython event callbacks for {name!r} were changed")
        if shell.custom_exceptions != state["custom_exceptions"]:
            findings.append("a custom exception handler was installed (set_custom_exc)")
        for name, original in state["shell_methods"].items():
            if name in vars(shell) or getattr(type(shell), name, None) is not original:
                findings.append(f"the IPython shell's {name} was replaced")
        for name, original in state["hooks"].items():
            if getattr(shell, name, None) is not original:
                findings.append(f"the IPython shell's {name} was replaced")
        return findings + self._changed_runner()

    def _probe(self, nonce):
        findings = []
        for check in (self._changed_modules, self._changed_shell, self._changed_runtime):
            try:
                findings.extend(check())
            except Exception as error:  # an object that breaks comparison is itself suspicious
                findings.append(f"the integrity check failed on something unexpected ({type(error).__name__}: {error})")
        self._write({"event": "probe", "nonce": nonce, "tampering": findings})

    # -- plumbing -----------------------------------------------------------------------------
    def _write(self, record):
        # A closed report is detected by the grader as a missing probe line.
        with contextlib.suppress(OSError):
            os.write(self.report_fd, (json.dumps(record) + "\n").encode())

    def hook(self, event, args):
        if self.in_hook:
            return
        if event == "autograder.baseline":
            if self.baseline is None:  # the grader's call before any cell; a notebook's own call changes nothing
                self.take_baseline()
        elif event == "autograder.probe":
            self.in_hook = True
            try:
                self._probe(str(args[0]) if args else "")
            finally:
                self.in_hook = False
        elif event in WATCHED_EVENTS:
            self.in_hook = True
            try:
                self._watch_file(event, args)
            finally:
                self.in_hook = False


def die_with_the_grader(fd):
    """End this runner when the grading process is gone, however it went.

    ``fd`` is the read end of a pipe whose write end only the grader holds. bubblewrap's
    ``--die-with-parent`` misses a grader killed in the moment between starting bubblewrap and bubblewrap
    arming it (seen once, a Dask worker killed in a test): the jail then lived on, idle. Here the pipe is
    set to send SIGIO, whose default action ends the process, when it hangs up; and one that hung up
    before it was set is found at once."""
    import fcntl
    import select

    if fd is None:
        return  # a runner forked by the template dies with the template, which ends with its grader
    fcntl.fcntl(fd, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_ASYNC | os.O_NONBLOCK)
    if select.select([fd], [], [], 0)[0]:
        os._exit(0)  # nothing is written on it: readable means the grader's end is closed


def runner_module():
    """``runner.py`` beside this file, loaded by path: inside the jail no grader module is importable."""
    import importlib.util

    if RUNNER_MODULE not in sys.modules:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runner.py")
        spec = importlib.util.spec_from_file_location(RUNNER_MODULE, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[RUNNER_MODULE] = module
        spec.loader.exec_module(module)
    return sys.modules[RUNNER_MODULE]


def run_runner(settings, shell, connection):
    """Become the submission's runner: its log, the witness, the limits, then the runner's request loop on the
    connected socket ``connection`` (a file descriptor). Never returns."""
    import socket

    # What bypasses the runner's streams (C code, a process the notebook starts) goes to a file beside the report,
    # not into the instructor's terminal.
    log = os.open(settings["report_path"] + ".log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    # Started as a script, this file's folder is first on sys.path: the grader's own modules must
    # not be importable by the notebook.
    if sys.path and os.path.realpath(sys.path[0]) == os.path.dirname(os.path.realpath(__file__)):
        del sys.path[0]
    die_with_the_grader(settings.get("lifeline_fd"))
    # The temporary folder a forked runner inherited is the template's: found again from TMPDIR, which names a
    # folder of the runner's own (where IPython names its cells' files; reaching elsewhere would be flagged).
    import tempfile

    tempfile.tempdir = None
    witness = Witness(settings)
    witness.snapshot_shell(shell)
    sys.addaudithook(witness.hook)
    _set_limits(settings)
    channel = socket.socket(fileno=connection)
    sys.modules[type(shell).__module__].serve(shell, channel.makefile("rb"), channel.makefile("wb"))
    os._exit(0)


def main():
    settings = json.loads(os.environ.pop("AUTOGRADER_SANDBOX", "{}"))
    if not settings or "connection_fd" not in settings:
        sys.exit("autograder.grading.sandbox is started by the grading worker (it needs AUTOGRADER_SANDBOX).")
    run_runner(settings, runner_module().make_shell(), settings["connection_fd"])


if __name__ == "__main__":
    main()
