"""Rejects labels >= num_classes but forgets negative labels, which NumPy indexing wraps around.

function: one_hot
expect: wrong
must_fail: test_one_hot_negative_label
"""
import numpy as np


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if np.any(labels >= num_classes):
        raise ValueError("a label is too large")
    return np.eye(num_classes, dtype=int)[labels]
