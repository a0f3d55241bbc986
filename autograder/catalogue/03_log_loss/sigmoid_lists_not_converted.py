"""The naive formula without converting the input: -x fails for a list.

function: sigmoid
expect: wrong
must_fail: test_sigmoid_hidden
"""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))
