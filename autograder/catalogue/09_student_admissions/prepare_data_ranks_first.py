"""Puts the four rank columns before gre and gpa instead of after them.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_values, test_prepare_data_hidden
"""
import numpy as np


def prepare_data(df):
    rank = df["rank"].to_numpy()
    one_hot = np.column_stack([(rank == k).astype(float) for k in [1, 2, 3, 4]])
    X = np.column_stack([one_hot, df["gre"].to_numpy() / 800, df["gpa"].to_numpy() / 4])
    return X, df["admit"].to_numpy()
