"""Writes the derivative as s * (1 + s) instead of s * (1 - s).

function: sigmoid_prime
expect: wrong
must_fail: test_sigmoid_prime_values, test_sigmoid_prime_slope, test_sigmoid_prime_hidden
"""


def sigmoid_prime(x):
    s = sigmoid(x)  # noqa: F821 (the notebook defines sigmoid)
    return s * (1 + s)
