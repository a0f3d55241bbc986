"""Returns True/False instead of the integers 1/0.

function: step
expect: wrong
must_fail: test_step_values, test_step_scalar, test_step_hidden
"""
import numpy as np


def step(t):
    return np.asarray(t) >= 0
