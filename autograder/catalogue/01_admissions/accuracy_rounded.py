"""Rounds the accuracy to two decimals, so 2 right out of 3 comes back as 0.67 instead of 0.666....

function: accuracy
expect: wrong
must_fail: test_accuracy_hidden
"""
import numpy as np


def accuracy(y_true, y_pred):
    return round(float(np.mean(np.asarray(y_true) == np.asarray(y_pred))), 2)
