"""A correct answer with the plain formula: overflows to inf at -1000 (a RuntimeWarning on stderr) and returns 0.

function: sigmoid
expect: correct
"""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))
