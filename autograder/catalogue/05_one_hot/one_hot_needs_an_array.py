"""Uses labels.shape and labels.min() without np.asarray, so a list of labels raises AttributeError.

function: one_hot
expect: wrong
must_fail: test_one_hot_hidden
"""
import numpy as np


def one_hot(labels, num_classes):
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError("label out of range")
    encoded = np.zeros((labels.shape[0], num_classes), dtype=int)
    encoded[np.arange(labels.shape[0]), labels] = 1
    return encoded
