"""A correct answer that does not call sigmoid: the derivative of (1 + tanh(x / 2)) / 2 is (1 - tanh(x / 2)^2) / 4.

function: sigmoid_prime
expect: correct
"""
import numpy as np


def sigmoid_prime(x):
    return 0.25 * (1 - np.tanh(np.asarray(x) / 2) ** 2)
