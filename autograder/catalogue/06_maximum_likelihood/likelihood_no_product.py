"""Returns the probability of each point's colour (an array) and forgets to multiply them together.

function: likelihood
expect: wrong
must_fail: test_likelihood_lecture_models, test_likelihood_hidden
"""
import numpy as np


def likelihood(y, p):
    y, p = np.asarray(y), np.asarray(p, dtype=float)
    return np.where(y == 1, p, 1 - p)
