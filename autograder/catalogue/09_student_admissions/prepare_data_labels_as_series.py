"""Returns y as a pandas Series (df["admit"].astype(int)) instead of a NumPy array, keeping the table's index.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_hidden
"""
import numpy as np


def prepare_data(df):
    rank = df["rank"].to_numpy()
    ranks = np.column_stack([(rank == k).astype(float) for k in [1, 2, 3, 4]])
    X = np.column_stack([df["gre"].to_numpy(dtype=float) / 800, df["gpa"].to_numpy(dtype=float) / 4, ranks])
    y = df["admit"].astype(int)
    return X, y
