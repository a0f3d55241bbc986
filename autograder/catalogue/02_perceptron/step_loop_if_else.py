"""A correct answer with an explicit if/else, a single number handled on its own.

function: step
expect: correct
"""
import numpy as np


def step(t):
    if np.ndim(t) == 0:
        if t >= 0:
            return 1
        else:
            return 0
    labels = []
    for value in t:
        if value >= 0:
            labels.append(1)
        else:
            labels.append(0)
    return np.array(labels)
