"""Numerical gradients, to check gradients derived by hand.

The centred difference ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` has an error of order ``h**2``
(the first-order terms of the two Taylor expansions cancel), against order ``h`` for the
one-sided difference; with ``h = 1e-6`` and smooth double-precision functions it agrees with the
true gradient to about 1e-9 relative, well below the 1e-7 the course asks for.
"""

import numpy as np

__all__ = ["numerical_gradient", "numerical_gradients", "relative_error", "gradient_check"]


def numerical_gradient(f, x, h=1e-6):
    """Centred-difference gradient of a scalar function ``f`` at the array ``x``.

    ``x`` is not modified (each coordinate is nudged on a private copy and put back).
    Returns an array of floats with the shape of ``x``.
    """
    point = np.array(x, dtype=float)  # a private copy: the caller's array is never touched
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        f_plus = float(f(point))
        point[index] = original - h
        f_minus = float(f(point))
        point[index] = original
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient


def numerical_gradients(f, params, h=1e-6):
    """Centred-difference gradients of ``f(params)`` for a dict of parameters.

    ``params`` maps names to arrays or floats (like a network's ``{"W1": ..., "b2": ...}``);
    the result has the same keys, shapes and types (a float for a float parameter).
    ``params`` itself is not modified.
    """
    gradients = {}
    for name, value in params.items():
        scalar = np.ndim(value) == 0

        def f_of_one(v, name=name, scalar=scalar):
            trial = dict(params)
            trial[name] = float(v) if scalar else v
            return f(trial)

        gradient = numerical_gradient(f_of_one, value, h)
        gradients[name] = float(gradient) if scalar else gradient
    return gradients


def relative_error(a, b, tiny=1e-300):
    """``||a - b|| / (||a|| + ||b||)``: the usual yardstick of a gradient check.

    Scale-free, so a gradient of size 1e-5 and one of size 1e5 are judged alike; 0 when the
    two agree exactly (including both zero), at most 1. Accepts arrays, floats, or dicts of
    them with the same keys (all entries taken together).
    """
    if isinstance(a, dict):
        if set(a) != set(b):
            raise ValueError(f"relative_error: the two dicts have different keys: {sorted(a)} and {sorted(b)}.")
        keys = sorted(a)
        a = np.concatenate([np.ravel(a[k]) for k in keys])
        b = np.concatenate([np.ravel(b[k]) for k in keys])
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ: {a.shape} and {b.shape}.")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator < tiny:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def gradient_check(f, analytic_gradient, x, h=1e-6):
    """Relative error between ``analytic_gradient`` and the numerical gradient of ``f`` at ``x``.

    ``x`` may be an array or a dict of parameters (then ``analytic_gradient`` is a dict too).
    """
    numeric = numerical_gradients(f, x, h) if isinstance(x, dict) else numerical_gradient(f, x, h)
    return relative_error(analytic_gradient, numeric)
