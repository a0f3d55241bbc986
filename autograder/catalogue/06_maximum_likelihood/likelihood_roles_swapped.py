"""Uses 1 - p for the blue points and p for the red ones (the probability of the wrong colour).

function: likelihood
expect: wrong
must_fail: test_likelihood_lecture_models, test_likelihood_hidden
"""
import numpy as np


def likelihood(y, p):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    return float(np.prod(np.where(y == 1, 1 - p, p)))
