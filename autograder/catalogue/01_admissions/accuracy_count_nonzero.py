"""A correct answer: counts the agreements with np.count_nonzero and divides by the number of labels.

function: accuracy
expect: correct
"""
import numpy as np


def accuracy(y_true, y_pred):
    return np.count_nonzero(np.equal(y_true, y_pred)) / np.size(y_true)
