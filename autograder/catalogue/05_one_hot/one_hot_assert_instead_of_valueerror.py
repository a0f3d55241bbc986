"""Validates the labels with assert, which raises AssertionError instead of the ValueError asked for.

function: one_hot
expect: wrong
must_fail: test_one_hot_label_too_large, test_one_hot_negative_label
"""
import numpy as np


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    assert np.all((labels >= 0) & (labels < num_classes)), "label out of range"
    encoded = np.zeros((len(labels), num_classes), dtype=int)
    encoded[np.arange(len(labels)), labels] = 1
    return encoded
