"""Returns the number of correct labels instead of the fraction.

function: accuracy
expect: wrong
must_fail: test_accuracy_values, test_accuracy_hidden
"""
import numpy as np


def accuracy(y_true, y_pred):
    return int(np.sum(np.asarray(y_true) == np.asarray(y_pred)))
