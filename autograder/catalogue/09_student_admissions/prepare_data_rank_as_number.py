"""Scales rank like a number (rank / 4 in one column) instead of one-hot encoding it.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_values, test_prepare_data_missing_ranks, test_prepare_data_hidden
"""
import numpy as np


def prepare_data(df):
    X = np.column_stack([df["gre"].to_numpy() / 800, df["gpa"].to_numpy() / 4, df["rank"].to_numpy() / 4])
    return X, df["admit"].to_numpy()
