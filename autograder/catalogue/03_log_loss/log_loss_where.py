"""A correct answer that picks -ln p or -ln(1 - p) per point with np.where.

function: log_loss
expect: correct
"""
import numpy as np


def log_loss(y, p):
    y = np.asarray(y)
    p = np.asarray(p, dtype=float)
    return np.where(y == 1, -np.log(p), -np.log(1 - p)).mean()
