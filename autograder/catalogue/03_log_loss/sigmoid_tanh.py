"""A correct answer through the hyperbolic tangent: sigmoid(x) = (1 + tanh(x / 2)) / 2.

function: sigmoid
expect: correct
"""
import numpy as np


def sigmoid(x):
    return 0.5 * (1 + np.tanh(np.asarray(x) / 2))
