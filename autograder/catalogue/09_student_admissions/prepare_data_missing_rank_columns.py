"""Uses pd.get_dummies(dtype=float) without reindexing, so a rank absent from df gets no column.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_missing_ranks, test_prepare_data_hidden
"""
import pandas as pd


def prepare_data(df):
    ranks = pd.get_dummies(df["rank"], prefix="rank", dtype=float)
    features = pd.concat([df["gre"] / 800, df["gpa"] / 4, ranks], axis=1)
    return features.to_numpy(dtype=float), df["admit"].to_numpy()
