"""A correct answer with a loop over the rows and the math module, the largest score added back.

function: log_softmax
expect: correct
"""
import math

import numpy as np


def log_softmax(Z):
    Z = np.array(Z, dtype=float)
    rows = Z.reshape(-1, Z.shape[-1])
    result = np.empty_like(rows)
    for i, row in enumerate(rows):
        m = max(row)
        log_total = m + math.log(sum(math.exp(z - m) for z in row))
        for j, z in enumerate(row):
            result[i, j] = z - log_total
    return result.reshape(Z.shape)
