"""A correct answer by broadcasting a comparison, converted to integers; it also prints a warning on stderr.

function: one_hot
expect: correct
"""
import warnings

import numpy as np


def one_hot(labels, num_classes):
    labels = np.asarray(labels)
    if np.any(labels < 0) or np.any(labels >= num_classes):
        raise ValueError("every label must satisfy 0 <= label < num_classes")
    warnings.warn("encoding labels", stacklevel=2)
    return (labels.reshape(-1, 1) == np.arange(num_classes)).astype(np.int8)
