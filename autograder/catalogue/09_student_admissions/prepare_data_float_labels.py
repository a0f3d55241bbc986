"""Converts the whole table to floats at once, so the labels y come back as floats.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_values
"""
import numpy as np


def prepare_data(df):
    values = df[["admit", "gre", "gpa", "rank"]].to_numpy(dtype=float)
    one_hot = np.column_stack([(values[:, 3] == k).astype(float) for k in [1, 2, 3, 4]])
    X = np.column_stack([values[:, 1] / 800, values[:, 2] / 4, one_hot])
    return X, values[:, 0]
