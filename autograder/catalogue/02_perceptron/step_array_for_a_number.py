"""A loop over np.atleast_1d(t): right for arrays, but a single number gives an array of shape (1,).

function: step
expect: wrong
must_fail: test_step_scalar, test_step_hidden
"""
import numpy as np


def step(t):
    return np.array([1 if value >= 0 else 0 for value in np.atleast_1d(t)])
