"""Checks that the assignments' test cells call.

Every check returns ``None`` when the answer is right (so a test cell that ends with a check
shows no output, which nbgrader would otherwise read as a partial score) and raises
:class:`CheckFailure` (an ``AssertionError``) with a message written for a student: which call was checked, what was expected, what came back, and a hint
pointing back to the lesson. Hidden tests pass ``reveal=False`` so that a failure message
describes the problem without printing the expected values.

Tolerances: floats are compared with ``|got - expected| <= atol + rtol * |expected|``.
The defaults (``rtol=1e-7``, ``atol=1e-12``) accept every correct formula we know of
(a loop, ``np.dot``, ``0.5 * (1 + tanh(x / 2))`` for the sigmoid, sums of 10,000 terms in
another order), which differ from the reference in the last few bits only, while every
wrong formula a test is built to catch is off by far more than that.
"""

import builtins as _builtins
import copy
import math
import numbers

import numpy as np

# The notebook under test runs in the same interpreter as these checks. Binding private
# references now (the setup cell imports this module before any student code runs) means
# that later reassignments such as ``np.allclose = ...`` or ``builtins.abs = ...`` in a
# submission cannot change how an answer is judged.
__builtins__ = dict(vars(_builtins))
_asarray = np.asarray
_absolute = np.absolute
_subtract = np.subtract
_multiply = np.multiply
_add = np.add
_less_equal = np.less_equal
_isfinite = np.isfinite
_isnan = np.isnan
_equal = np.equal
_ndarray = np.ndarray
_array2string = np.array2string

__all__ = [
    "CheckFailure",
    "check_close",
    "check_equal",
    "check_shape",
    "check_scalar",
    "check_integer_dtype",
    "check_finite",
    "check_in_range",
    "check_type",
    "check_not_modified",
    "check_frame_equal",
]

DEFAULT_RTOL = 1e-7
DEFAULT_ATOL = 1e-12


class CheckFailure(AssertionError):
    """A test found a wrong answer; the message says what, and how to look for the cause."""


def _fail(name, problem, hint=None, details=()):
    lines = [f"{name}: {problem}"]
    lines.extend(f"  {line}" for line in details)
    if hint:
        lines.append(f"Hint: {hint}")
    raise CheckFailure("\n".join(lines))


def _show(value):
    """A short, readable rendering of a value for a failure message."""
    try:
        if isinstance(value, _ndarray):
            return _array2string(value, precision=6, threshold=12, edgeitems=3, separator=", ")
        text = repr(value)
    except Exception:  # a message must never hide the verdict, whatever state NumPy is in
        text = repr(value.tolist()) if isinstance(value, _ndarray) else object.__repr__(value)
    return text if len(text) <= 300 else text[:297] + "..."


def _reject_none(got, name):
    if got is None:
        _fail(name, "returned None.", "did the function reach a `return` statement? Printing a value does not return it.")


def _as_float_array(got, name, hint):
    _reject_none(got, name)
    try:
        return _asarray(got, dtype=float)
    except (TypeError, ValueError) as error:
        _fail(name, f"returned {_show(got)}, which cannot be read as numbers ({error}).", hint)


def _shape_of(value):
    return _asarray(value).shape


def check_type(got, expected_types, *, name, hint=None):
    """Check that ``got`` is an instance of ``expected_types`` (a type or a tuple of types)."""
    _reject_none(got, name)
    if not isinstance(got, expected_types):
        wanted = expected_types if isinstance(expected_types, tuple) else (expected_types,)
        names = " or ".join(t.__name__ for t in wanted)
        _fail(name, f"returned a {type(got).__name__} ({_show(got)}); expected a {names}.", hint)


def check_shape(got, expected_shape, *, name, hint=None):
    """Check the shape of an array-like result, e.g. ``(3,)`` for one value per point."""
    _reject_none(got, name)
    shape = _shape_of(got)
    if shape != tuple(expected_shape):
        _fail(
            name,
            f"returned an array of shape {shape}; expected shape {tuple(expected_shape)}.",
            hint,
            details=[f"got: {_show(got)}"],
        )


def check_scalar(got, *, name, hint=None):
    """Check that a single number came back (a Python or NumPy number, or a 0-d array)."""
    _reject_none(got, name)
    if isinstance(got, (bool, np.bool_)) or not (
        isinstance(got, numbers.Number) or (isinstance(got, _ndarray) and got.ndim == 0)
    ):
        _fail(name, f"returned {_show(got)} of type {type(got).__name__}; expected a single number.", hint)


def check_integer_dtype(got, *, name, hint=None):
    """Check that the values are integers (int dtype), not floats or booleans."""
    _reject_none(got, name)
    array = _asarray(got)
    if isinstance(got, bool) or array.dtype.kind not in "iu":
        _fail(
            name,
            f"returned values of type {array.dtype}; expected integers (0 and 1).",
            hint or "convert the result with .astype(int), or build it with np.where(condition, 1, 0).",
            details=[f"got: {_show(got)}"],
        )


def check_finite(got, *, name, hint=None):
    """Check that every value is a finite number (no nan, no inf)."""
    array = _as_float_array(got, name, hint)
    finite = _isfinite(array)
    if not finite.all():
        bad = int((~finite).sum())
        _fail(name, f"returned {bad} value(s) that are nan or infinite.", hint, details=[f"got: {_show(got)}"])


def check_in_range(got, low, high, *, name, hint=None):
    """Check that every value lies in the closed interval [low, high]."""
    array = _as_float_array(got, name, hint)
    inside = _less_equal(low, array) & _less_equal(array, high)
    if not inside.all():
        _fail(name, f"returned values outside [{low}, {high}].", hint, details=[f"got: {_show(got)}"])


def check_close(got, expected, *, name, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL, hint=None, reveal=True):
    """Check numbers (a scalar or an array) against expected values, within tolerances.

    The shapes must agree exactly (a (3,) result is not a (3, 1) result); nan in the
    result is always a failure.
    """
    expected_array = _asarray(expected, dtype=float)
    got_array = _as_float_array(got, name, hint)
    if got_array.shape != expected_array.shape:
        details = [f"got: {_show(got)}"]
        _fail(
            name,
            f"returned shape {got_array.shape}; expected shape {expected_array.shape}.",
            hint,
            details=details,
        )
    difference = _absolute(_subtract(got_array, expected_array))
    allowed = _add(atol, _multiply(rtol, _absolute(expected_array)))
    # nan never compares as <=, so a nan anywhere in the result fails here.
    close = _less_equal(difference, allowed) & ~_isnan(got_array)
    if not close.all():
        wrong = int((~close).sum())
        details = [f"got:      {_show(got_array if got_array.ndim else got)}"]
        if reveal:
            details.append(f"expected: {_show(expected_array if expected_array.ndim else float(expected_array))}")
            if got_array.ndim:
                first = tuple(int(i) for i in np.argwhere(~close)[0])
                details.append(f"first difference at index {first if len(first) > 1 else first[0]}")
        _fail(name, f"{wrong} of {max(got_array.size, 1)} value(s) are wrong.", hint, details=details)


def check_equal(got, expected, *, name, hint=None, reveal=True):
    """Check exact equality of integer-like results (labels, predictions, one-hot rows)."""
    _reject_none(got, name)
    expected_array = _asarray(expected)
    got_array = _asarray(got)
    if got_array.shape != expected_array.shape:
        _fail(
            name,
            f"returned shape {got_array.shape}; expected shape {expected_array.shape}.",
            hint,
            details=[f"got: {_show(got)}"],
        )
    same = _equal(got_array, expected_array)
    if not same.all():
        details = [f"got:      {_show(got_array)}"]
        if reveal:
            details.append(f"expected: {_show(expected_array)}")
        _fail(name, f"{int((~same).sum())} of {max(got_array.size, 1)} value(s) differ.", hint, details=details)


def _same_array(before, after):
    if not (isinstance(after, _ndarray) and before.shape == after.shape and before.dtype == after.dtype):
        return False
    equal = _equal(before, after)
    if before.dtype.kind in "fc":
        equal = equal | (_isnan(before) & _isnan(after))
    return bool(equal.all())


def _same(before, after):
    if isinstance(before, _ndarray):
        return _same_array(before, after)
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(_same(before[k], after[k]) for k in before)
    if isinstance(before, (list, tuple)):
        return type(before) is type(after) and len(before) == len(after) and all(map(_same, before, after))
    if hasattr(before, "equals") and callable(before.equals):  # pandas objects
        return bool(before.equals(after)) and list(getattr(before, "columns", [])) == list(getattr(after, "columns", []))
    if isinstance(before, float) and isinstance(after, float) and math.isnan(before) and math.isnan(after):
        return True
    if isinstance(before, np.random.Generator):  # a copy never compares equal: compare the stream's state
        return isinstance(after, np.random.Generator) and before.bit_generator.state == after.bit_generator.state
    return before == after


def check_not_modified(function, *args, name=None, **kwargs):
    """Call ``function(*args, **kwargs)`` and check that it left every argument unchanged.

    Returns whatever the function returned, so a test can go on to check the result.
    """
    label = name or f"{getattr(function, '__name__', 'the function')}(...)"
    before_args = copy.deepcopy(args)
    before_kwargs = copy.deepcopy(kwargs)
    result = function(*args, **kwargs)
    for position, (before, after) in enumerate(zip(before_args, args, strict=True)):
        if not _same(before, after):
            _fail(
                label,
                f"changed its argument number {position + 1} in place.",
                "never modify the arrays you are given: build new ones (x = x + 1, not x += 1; "
                "np.array(x, dtype=float) makes a copy).",
                details=[f"before: {_show(before)}", f"after:  {_show(after)}"],
            )
    for key, before in before_kwargs.items():
        if not _same(before, kwargs[key]):
            _fail(label, f"changed its argument {key!r} in place.", "never modify the arrays you are given.")
    return result


def check_frame_equal(got, expected, *, name, hint=None, reveal=True):
    """Check a pandas DataFrame: type, column names and order, dtypes kind, and values."""
    import pandas as pd

    check_type(got, pd.DataFrame, name=name, hint=hint)
    got_columns, expected_columns = list(got.columns), list(expected.columns)
    if got_columns != expected_columns:
        details = [f"got columns:      {got_columns}"]
        if reveal:
            details.append(f"expected columns: {expected_columns}")
        _fail(name, "has the wrong columns (names or order).", hint, details=details)
    if got.shape != expected.shape:
        _fail(name, f"has shape {got.shape}; expected {expected.shape}.", hint)
    for column in expected_columns:
        got_values, expected_values = got[column].to_numpy(), expected[column].to_numpy()
        if expected_values.dtype.kind in "iu" and got_values.dtype.kind not in "iu":
            _fail(
                name,
                f"column {column!r} holds {got_values.dtype} values; expected integers 0/1.",
                hint or "convert with .astype(int).",
            )
        if expected_values.dtype.kind in "iuf":
            check_close(got_values, expected_values, name=f"{name}, column {column!r}", hint=hint, reveal=reveal)
        elif not (got_values == expected_values).all():
            _fail(name, f"column {column!r} has different values.", hint)
