"""Uses > instead of >=, so a score of exactly 0 gives 0.

function: step
expect: wrong
must_fail: test_step_values, test_step_scalar, test_step_hidden
"""
import numpy as np


def step(t):
    return np.where(np.asarray(t) > 0, 1, 0)[()]
