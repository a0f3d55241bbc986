"""A correct answer that calls SciPy's expit, the sigmoid of scipy.special.

function: sigmoid
expect: correct
"""
from scipy.special import expit


def sigmoid(x):
    return expit(x)
