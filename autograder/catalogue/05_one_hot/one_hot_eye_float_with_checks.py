"""A correct answer: rows of np.eye (floats 0.0/1.0, which the contract accepts) after an explicit range check.

function: one_hot
expect: correct
"""
import numpy as np


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must be in [0, {num_classes})")
    return np.eye(num_classes)[labels]
