"""A correct answer: np.where on the converted input, without unwrapping 0-d arrays.

function: step
expect: correct
"""
import numpy as np


def step(t):
    return np.where(np.asarray(t) >= 0, 1, 0)
