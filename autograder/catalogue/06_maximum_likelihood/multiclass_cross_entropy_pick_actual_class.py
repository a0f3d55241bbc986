"""A correct answer: picks each row's probability of its actual class (argmax of the one-hot row), then sums -ln.

function: multiclass_cross_entropy
expect: correct
"""
import numpy as np


def multiclass_cross_entropy(Y, P):
    Y, P = np.asarray(Y), np.asarray(P)
    actual = P[np.arange(len(P)), Y.argmax(axis=1)]
    return -np.log(actual).sum()
