"""Scales gre and gpa by the table's own minimum and maximum instead of dividing by 800 and 4.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_values, test_prepare_data_hidden
"""
import numpy as np


def prepare_data(df):
    gre = df["gre"].to_numpy(dtype=float)
    gpa = df["gpa"].to_numpy(dtype=float)
    rank = df["rank"].to_numpy()
    one_hot = np.column_stack([(rank == k).astype(float) for k in [1, 2, 3, 4]])
    X = np.column_stack([(gre - gre.min()) / (gre.max() - gre.min()), (gpa - gpa.min()) / (gpa.max() - gpa.min()), one_hot])
    return X, df["admit"].to_numpy()
