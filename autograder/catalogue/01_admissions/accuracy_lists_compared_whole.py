"""Compares the inputs with == without converting lists, so two lists compare as one boolean.

function: accuracy
expect: wrong
must_fail: test_accuracy_hidden
"""
import numpy as np


def accuracy(y_true, y_pred):
    return float(np.mean(y_true == y_pred))
