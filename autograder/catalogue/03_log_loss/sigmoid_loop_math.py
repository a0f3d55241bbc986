"""A correct answer written as a Python loop over the entries with math.exp, one stable branch per sign.

function: sigmoid
expect: correct
"""
import math

import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.zeros(x.shape)
    for index, t in np.ndenumerate(x):
        if t >= 0:
            out[index] = 1 / (1 + math.exp(-t))
        else:
            e = math.exp(t)
            out[index] = e / (1 + e)
    if out.ndim == 0:
        return float(out)
    return out
