"""Makes max(labels) + 1 columns instead of num_classes, so a class that never occurs loses its column.

function: one_hot
expect: wrong
must_fail: test_one_hot_unused_class, test_one_hot_hidden
"""
import numpy as np


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if np.any((labels < 0) | (labels >= num_classes)):
        raise ValueError("label out of range")
    return np.eye(labels.max() + 1, dtype=int)[labels]
