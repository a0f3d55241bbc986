"""A correct answer that calls SciPy's softmax along the last axis.

function: softmax
expect: correct
"""
import scipy.special


def softmax(z):
    return scipy.special.softmax(z, axis=-1)
