"""Returns a percentage (75.0) instead of a fraction (0.75).

function: accuracy
expect: wrong
must_fail: test_accuracy_values, test_accuracy_hidden
"""
import numpy as np


def accuracy(y_true, y_pred):
    return float(100 * np.mean(np.asarray(y_true) == np.asarray(y_pred)))
