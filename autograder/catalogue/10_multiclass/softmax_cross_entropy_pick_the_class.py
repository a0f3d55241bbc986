"""A correct answer that picks each point's own class with argmax and fancy indexing.

function: softmax_cross_entropy
expect: correct
"""
import numpy as np


def softmax_cross_entropy(Y, Z):
    Y = np.asarray(Y)
    classes = np.argmax(Y, axis=1)
    log_p = log_softmax(np.asarray(Z, dtype=float))  # noqa: F821 (defined in the notebook)
    return float(-log_p[np.arange(len(classes)), classes].mean())
