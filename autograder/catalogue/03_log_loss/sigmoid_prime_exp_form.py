"""A correct answer with the unsimplified derivative e^(-x) / (1 + e^(-x))^2.

function: sigmoid_prime
expect: correct
"""
import numpy as np


def sigmoid_prime(x):
    e = np.exp(-np.asarray(x, dtype=float))
    return e / (1 + e) ** 2
