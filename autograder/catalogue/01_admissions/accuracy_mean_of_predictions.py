"""Averages the predictions alone (the share of 1s predicted), never comparing them with the true labels.

function: accuracy
expect: wrong
must_fail: test_accuracy_values, test_accuracy_hidden
"""
import numpy as np


def accuracy(y_true, y_pred):
    return float(np.mean(y_pred))
