"""Off by one: compares the labels with np.arange(num_classes - 1), so the last class gets no column.

function: one_hot
expect: wrong
must_fail: test_one_hot_lesson_example, test_one_hot_unused_class, test_one_hot_hidden
"""
import numpy as np


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if np.any((labels < 0) | (labels >= num_classes)):
        raise ValueError("label out of range")
    return (labels[:, None] == np.arange(num_classes - 1)).astype(int)
