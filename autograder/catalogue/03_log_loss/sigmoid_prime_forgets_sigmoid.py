"""Writes x * (1 - x): the formula s(1 - s) without computing s = sigmoid(x) first.

function: sigmoid_prime
expect: wrong
must_fail: test_sigmoid_prime_values, test_sigmoid_prime_slope, test_sigmoid_prime_hidden
"""
import numpy as np


def sigmoid_prime(x):
    x = np.asarray(x, dtype=float)
    return x * (1 - x)
