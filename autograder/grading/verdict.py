"""The verdict process: the instructor's test cells, run where no student code ever runs.

A test cell run inside the student's kernel can be fooled by the student's code in that process
(patched checks, a function that reads its caller's source, objects whose ``==`` lies). So every
test cell is also run here, from the instructor's source, with each graded function bound to a
:class:`Proxy`: calling it sends the arguments to the student's kernel, calls the student's function
there, and brings back the return value and the arguments as they are after the call, as data only
(a pickle read by :class:`PlainUnpickler`, which builds nothing but plain values). The arguments are
copied back into the objects the test holds, so ``check_not_modified`` works as in the notebook, and
a result that is one of its arguments is that very object here too.

The grading process starts this file as ``python -I verdict.py`` (in a jail of its own), talks to it
over stdin/stdout (a JSON header line, then ``size`` raw bytes) and only relays the student's bytes;
nothing outside this process ever unpickles them. One process serves a worker's whole life: it never
runs student code, so it stays trustworthy; each notebook gets a fresh namespace.

This file imports nothing from ``autograder``: in the jail it is all there is of the grader.
"""

import builtins
import contextlib
import io
import json
import os
import pickle
import sys

MAX_VALUE_BYTES = 64 * 1024**2
MAX_MESSAGE = 4000
# What a value coming back from the kernel may be built from: the reconstructors of plain data.
ALLOWED_GLOBALS = {
    ("builtins", "complex"), ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "bytearray"),
    ("builtins", "slice"),  # pandas' block placements
    ("numpy", "dtype"), ("numpy", "ndarray"),
    *((prefix + ".multiarray", name) for prefix in ("numpy._core", "numpy.core") for name in ("_reconstruct", "scalar")),
    *((prefix + ".numeric", "_frombuffer") for prefix in ("numpy._core", "numpy.core")),
    ("numpy.random._pickle", "__generator_ctor"), ("numpy.random._pickle", "__bit_generator_ctor"),
    ("numpy.random.bit_generator", "SeedSequence"), ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
    ("numpy.random._pcg64", "PCG64"), ("numpy.random._pcg64", "PCG64DXSM"), ("numpy.random._mt19937", "MT19937"),
    ("numpy.random._philox", "Philox"), ("numpy.random._sfc64", "SFC64"),
    ("pandas", "DataFrame"), ("pandas", "Series"), ("pandas", "Index"), ("pandas", "RangeIndex"),
    ("pandas", "StringDtype"), ("pandas.arrays", "StringArray"), ("pandas.core.indexes.base", "_new_Index"),
    ("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"), ("pandas._libs.internals", "_unpickle_block"),
    ("pandas.core.internals.managers", "BlockManager"), ("pandas.core.internals.managers", "SingleBlockManager"),
}
PLAIN_SCALARS = (type(None), bool, int, float, complex, str, bytes)
PLAIN_KINDS = set("biufcUS")
CHECKABLE = "return a NumPy array, a number, or a list, tuple or dict of them"


class UncheckableResult(BaseException):
    """A value from the kernel that the grader will not build (not plain data). A BaseException, so a
    test's ``except Exception`` cannot turn it into something else."""


class ReplayStopped(BaseException):
    """The call could not be made or did not finish (a dead kernel); the cell fails."""


class CellTimeoutError(ReplayStopped):
    """A call ran past the cell's time limit and was interrupted (named like the kernel's own timeout)."""


# ---------------------------------------------------------------------------------------------
# Values from the kernel: plain data only


class PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in ALLOWED_GLOBALS:
            raise UncheckableResult(f"an object of type {module}.{name}")
        return super().find_class(module, name)

    def persistent_load(self, pid):
        raise UncheckableResult("a reference to an object outside the value")


def _type_name(value):
    kind = type(value)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _check_plain(value, seen, depth=0):
    """Raise UncheckableResult unless ``value`` is plain data all the way down."""
    import numpy as np
    import pandas as pd

    if depth > 200:
        raise UncheckableResult("a value nested more than 200 levels deep")
    if type(value) in PLAIN_SCALARS:
        return
    if id(value) in seen:
        return
    seen.add(id(value))
    kind = type(value)
    if kind in (list, tuple, set, frozenset):
        for item in value:
            _check_plain(item, seen, depth + 1)
    elif kind is dict:
        for key, item in value.items():
            _check_plain(key, seen, depth + 1)
            _check_plain(item, seen, depth + 1)
    elif kind is np.ndarray:
        if value.dtype.fields is not None or value.dtype.kind not in PLAIN_KINDS | {"O"}:
            raise UncheckableResult(f"a NumPy array of dtype {value.dtype}")
        if value.dtype.kind == "O":
            for item in value.ravel():
                if type(item) not in PLAIN_SCALARS and not isinstance(item, np.generic):
                    raise UncheckableResult(f"a NumPy array holding a {_type_name(item)}")
    elif isinstance(value, np.generic) and kind.__module__ == "numpy":
        if value.dtype.kind not in PLAIN_KINDS:
            raise UncheckableResult(f"a NumPy scalar of dtype {value.dtype}")
    elif kind is np.random.Generator:
        return
    elif kind in (pd.Index, pd.RangeIndex):
        _check_plain(np.asarray(value, dtype=object), seen, depth + 1)
    elif kind is pd.Series:
        _check_plain(value.index, seen, depth + 1)
        _check_plain(value.to_numpy(dtype=object), seen, depth + 1)
    elif kind is pd.DataFrame:
        _check_plain(value.index, seen, depth + 1)
        _check_plain(value.columns, seen, depth + 1)
        for position in range(value.shape[1]):
            _check_plain(value.iloc[:, position].to_numpy(dtype=object), seen, depth + 1)
    else:
        raise UncheckableResult(f"an object of type {_type_name(value)}")


def load_plain(data):
    """The value pickled in ``data``, built from plain data only; UncheckableResult names what was refused."""
    if len(data) > MAX_VALUE_BYTES:
        raise UncheckableResult(f"a value of {len(data) // 1024**2} MiB (the grader reads at most "
                                f"{MAX_VALUE_BYTES // 1024**2} MiB)")
    try:
        value = PlainUnpickler(io.BytesIO(data)).load()
    except UncheckableResult:
        raise
    except (Exception, RecursionError) as error:
        raise UncheckableResult(f"something that is not plain data ({type(error).__name__})") from None
    try:
        _check_plain(value, set())
    except UncheckableResult:
        raise
    except (Exception, RecursionError) as error:  # a malformed frame or array: never a test's own exception
        raise UncheckableResult(f"something that is not plain data ({type(error).__name__})") from None
    return value


# ---------------------------------------------------------------------------------------------
# Arguments as they are after the call, copied back into the test's own objects


def _same_bytes(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def restore(trusted, changed, mapping):
    """Make ``trusted`` (the test's object) look like ``changed`` (its state after the call), in place where
    the type allows; returns the object the test should now hold. ``mapping`` collects id(changed part) ->
    trusted object, so a result that is one of its arguments is that argument here too."""
    import numpy as np
    import pandas as pd

    kind = type(trusted)
    if kind is not type(changed):
        return changed
    if kind is np.ndarray:
        if trusted.shape != changed.shape or trusted.dtype != changed.dtype:
            raise UncheckableResult("changed the shape or type of an array it was given, in place (never modify "
                                    "your arguments: build new arrays)")
        if not _same_bytes(trusted, changed):
            writeable = trusted.flags.writeable
            with contextlib.suppress(ValueError):
                trusted.setflags(write=True)
            trusted[...] = changed
            with contextlib.suppress(ValueError):
                trusted.setflags(write=writeable)
    elif kind is list:
        common = min(len(trusted), len(changed))
        trusted[:] = [restore(trusted[i], changed[i], mapping) for i in range(common)] + list(changed[common:])
    elif kind is dict:
        for key in [k for k in trusted if k not in changed]:
            del trusted[key]
        for key, value in changed.items():
            trusted[key] = restore(trusted[key], value, mapping) if key in trusted else value
    elif kind is tuple:
        if len(trusted) != len(changed):
            return changed
        if any(restore(t, c, mapping) is not t for t, c in zip(trusted, changed, strict=True)):
            return changed
    elif kind is set:
        trusted.clear()
        trusted.update(changed)
    elif kind in (pd.DataFrame, pd.Series):
        same = trusted.equals(changed) and list(trusted.index) == list(changed.index)
        if kind is pd.DataFrame:
            same = same and list(trusted.columns) == list(changed.columns) and list(trusted.dtypes) == list(changed.dtypes)
        if not same:
            trusted.__setstate__(changed.__getstate__())
    elif kind is np.random.Generator:
        trusted.bit_generator.state = changed.bit_generator.state
    elif trusted is not changed and not (kind in PLAIN_SCALARS and trusted == changed):
        return changed
    mapping[id(changed)] = trusted
    return trusted


def substitute(value, mapping, memo=None):
    """``value`` (freshly loaded) with every part that was an argument replaced by the test's own object."""
    memo = {} if memo is None else memo
    if id(value) in mapping:
        return mapping[id(value)]
    if id(value) in memo:
        return memo[id(value)]
    kind = type(value)
    if kind is list:
        memo[id(value)] = value
        value[:] = [substitute(item, mapping, memo) for item in value]
    elif kind is dict:
        memo[id(value)] = value
        for key in list(value):
            value[key] = substitute(value[key], mapping, memo)
    elif kind is tuple:
        memo[id(value)] = value = tuple(substitute(item, mapping, memo) for item in value)
    return value


def rebuild_exception(info):
    """The student's exception, as the nearest built-in exception type (a ValueError subclass stays a ValueError)."""
    names = [n for n in info.get("types", []) if isinstance(n, str)]
    bases = []
    for name in names:
        found = getattr(builtins, name, None)
        if (isinstance(found, type) and issubclass(found, Exception) and found is not Exception
                and not any(issubclass(b, found) for b in bases)):
            bases.append(found)
    bases = bases or [Exception]
    name = names[0] if names and names[0].isidentifier() else bases[0].__name__
    kind = bases[0]
    if name != kind.__name__ or len(bases) > 1:
        with contextlib.suppress(TypeError):
            kind = type(name, tuple(bases), {"__module__": "builtins"})
    return kind(str(info.get("message", ""))[:MAX_MESSAGE])


class Proxy:
    """Stands for a graded function: calls the student's function in the kernel, on copies of the arguments."""

    def __init__(self, name, channel):
        self.__name__ = self.__qualname__ = name
        self._channel = channel

    def __repr__(self):
        return f"<function {self.__name__}>"

    def __call__(self, *args, **kwargs):
        name = self.__name__
        try:
            request = pickle.dumps((args, kwargs), protocol=5)
        except Exception as error:
            raise ReplayStopped(f"the grader could not send the arguments of {name} to your notebook "
                                f"({type(error).__name__}: {error})") from None
        reply, payload = self._channel.call(name, request)
        status = reply.get("status")
        if status == "timeout":
            raise CellTimeoutError(reply.get("message") or f"{name} ran longer than this test's time limit")
        if status not in ("ok", "raised"):
            raise ReplayStopped(f"{name}: {reply.get('message') or status}")
        try:
            loaded = load_plain(payload)
            if not (type(loaded) is tuple and len(loaded) == 3 and type(loaded[0]) is tuple and type(loaded[1]) is dict):
                raise UncheckableResult("something other than the grader's answer")
            after_args, after_kwargs, result = loaded
        except UncheckableResult as error:
            raise UncheckableResult(f"{name} returned {error}, which the grader cannot check; {CHECKABLE}.") from None
        mapping = {}
        try:
            for trusted, changed in zip(args, after_args, strict=False):
                restore(trusted, changed, mapping)
            for key, trusted in kwargs.items():
                if key in after_kwargs:
                    restore(trusted, after_kwargs[key], mapping)
            result = substitute(result, mapping)
        except UncheckableResult as error:
            raise UncheckableResult(f"{name} {error}") from None
        except (Exception, RecursionError) as error:  # a malformed value: never a test's own exception
            raise UncheckableResult(f"{name} returned something that is not plain data ({type(error).__name__}), "
                                    f"which the grader cannot check; {CHECKABLE}.") from None
        if status == "raised":
            raise rebuild_exception(reply.get("error") or {})
        return result


# ---------------------------------------------------------------------------------------------
# The process: a loop over the grading process's requests


class Channel:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    def send(self, header, payload=b""):
        self.writer.write(json.dumps({**header, "size": len(payload)}).encode() + b"\n" + payload)
        self.writer.flush()

    def receive(self):
        line = self.reader.readline()
        if not line:
            raise EOFError
        header = json.loads(line)
        payload = self.reader.read(header.get("size", 0)) if header.get("size") else b""
        return header, payload

    def call(self, name, request):
        self.send({"op": "call", "name": name}, request)
        header, payload = self.receive()
        return header, payload


def run_cell(parts, namespace, label):
    """Run a cell's parts in order; the first failure ends it. Returns a JSON-able outcome."""
    output = io.StringIO()
    for stage, code in parts:
        try:
            compiled = compile(code, f"<{label}>", "exec", dont_inherit=True)
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                exec(compiled, namespace)  # noqa: S102 (the instructor's own test code)
        except BaseException as error:  # a failed check, or anything else the cell raised
            try:
                message = str(error)
            except Exception:
                message = f"({type(error).__name__} with a message that cannot be shown)"
            return {"ok": False, "stage": stage, "ename": type(error).__name__, "evalue": message[:MAX_MESSAGE]}
    return {"ok": True}


def _set_memory_limit(memory_bytes):
    import resource

    if memory_bytes:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (int(memory_bytes), int(memory_bytes)))


def serve(reader, writer):
    channel = Channel(reader, writer)
    namespace = None
    while True:
        try:
            header, payload = channel.receive()
        except EOFError:
            return
        op = header.get("op")
        if op == "begin":
            namespace = {"__name__": "__main__", "__builtins__": builtins}
            for name in header["functions"]:
                namespace[name] = Proxy(name, channel)
            channel.send({"op": "ready"})
        elif op == "cell":
            parts = json.loads(payload)
            channel.send({"op": "result", **run_cell(parts, namespace, header.get("label", "cell"))})
        else:
            channel.send({"op": "error", "message": f"unknown request {op!r}"})


def main():
    settings = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    # The protocol owns the original stdin/stdout; anything else printing goes nowhere.
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(null, fd)
    import numpy  # noqa: F401 (ready before the first notebook)
    import pandas  # noqa: F401

    import nnhelpers.checks  # noqa: F401

    _set_memory_limit(settings.get("memory_bytes"))
    serve(reader, writer)


if __name__ == "__main__":
    main()
