"""Returns the sign of the score (-1, 0, 1) instead of the labels 0/1.

function: step
expect: wrong
must_fail: test_step_values, test_step_scalar, test_step_hidden
"""
import numpy as np


def step(t):
    return np.sign(t).astype(int)
