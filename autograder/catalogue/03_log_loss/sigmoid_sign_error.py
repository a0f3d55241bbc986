"""Drops the minus sign in the exponent: 1 / (1 + e^x), a curve that falls instead of rising.

function: sigmoid
expect: wrong
must_fail: test_sigmoid_values, test_sigmoid_shapes, test_sigmoid_hidden, test_sigmoid_large_inputs
"""
import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    return 1 / (1 + np.exp(x))
