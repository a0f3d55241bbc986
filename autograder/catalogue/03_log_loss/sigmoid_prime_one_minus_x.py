"""Writes sigmoid(x) * (1 - x): the second factor uses the score instead of the sigmoid.

function: sigmoid_prime
expect: wrong
must_fail: test_sigmoid_prime_values, test_sigmoid_prime_slope, test_sigmoid_prime_hidden
"""
import numpy as np


def sigmoid_prime(x):
    x = np.asarray(x, dtype=float)
    return sigmoid(x) * (1 - x)  # noqa: F821 (the notebook defines sigmoid)
