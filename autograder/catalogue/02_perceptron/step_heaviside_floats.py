"""Uses np.heaviside(t, 1), which has the right values but returns floats (1.0), not integers.

function: step
expect: wrong
must_fail: test_step_values, test_step_scalar, test_step_hidden
"""
import numpy as np


def step(t):
    return np.heaviside(t, 1)
