"""Compares the input directly without np.asarray, so a list input raises a TypeError.

function: step
expect: wrong
must_fail: test_step_hidden
"""
import numpy as np


def step(t):
    return np.where(t >= 0, 1, 0)[()]
