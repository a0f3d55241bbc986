"""A correct answer that builds the rows in a Python loop and checks each label on the way.

function: one_hot
expect: correct
"""
import numpy as np


def one_hot(labels, num_classes):
    rows = []
    for label in labels:
        if not 0 <= label < num_classes:
            raise ValueError(f"label {label} is not one of 0..{num_classes - 1}")
        row = [0] * num_classes
        row[label] = 1
        rows.append(row)
    return np.array(rows)
