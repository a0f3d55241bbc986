"""Scales gre and gpa inside df itself (df["gre"] = df["gre"] / 800), changing the caller's table.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_hidden
"""
import numpy as np


def prepare_data(df):
    df["gre"] = df["gre"] / 800
    df["gpa"] = df["gpa"] / 4
    for k in [1, 2, 3, 4]:
        df[f"rank_{k}"] = (df["rank"] == k).astype(float)
    X = df[["gre", "gpa", "rank_1", "rank_2", "rank_3", "rank_4"]].to_numpy(dtype=float)
    return X, df["admit"].to_numpy()
