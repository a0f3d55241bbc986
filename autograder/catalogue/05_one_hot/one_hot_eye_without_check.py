"""Picks rows of the identity matrix without checking the labels: -1 silently becomes the last class, 3 of 3 raises IndexError.

function: one_hot
expect: wrong
must_fail: test_one_hot_label_too_large, test_one_hot_negative_label
"""
import numpy as np


def one_hot(labels, num_classes):
    return np.eye(num_classes)[labels]
