"""Multiplies p for every point, ignoring the labels: a red point should count with 1 - p.

function: likelihood
expect: wrong
must_fail: test_likelihood_lecture_models, test_likelihood_hidden
"""
import numpy as np


def likelihood(y, p):
    return float(np.prod(np.asarray(p, dtype=float)))
