"""Forgets to scale: gre and gpa go in as they are (hundreds and about 3.4).

function: prepare_data
expect: wrong
must_fail: test_prepare_data_values, test_prepare_data_hidden
"""
import numpy as np


def prepare_data(df):
    rank = df["rank"].to_numpy()
    one_hot = np.column_stack([(rank == k).astype(float) for k in [1, 2, 3, 4]])
    X = np.column_stack([df["gre"].to_numpy(dtype=float), df["gpa"].to_numpy(dtype=float), one_hot])
    return X, df["admit"].to_numpy()
