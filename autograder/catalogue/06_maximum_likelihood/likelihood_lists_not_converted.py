"""Compares y == 1 without np.asarray: for a list that is one False, and 1 - list raises TypeError.

function: likelihood
expect: wrong
must_fail: test_likelihood_hidden
"""
import numpy as np


def likelihood(y, p):
    return float(np.prod(np.where(y == 1, p, 1 - p)))
