"""A correct answer that divides the sum by the number of points explicitly.

function: log_loss
expect: correct
"""
import numpy as np


def log_loss(y, p):
    y = np.array(y)
    p = np.array(p)
    total = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
    return total / len(y)
