"""Returns the error rate (fraction wrong) instead of the accuracy.

function: accuracy
expect: wrong
must_fail: test_accuracy_hidden
"""
import numpy as np


def accuracy(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) != np.asarray(y_pred)))
