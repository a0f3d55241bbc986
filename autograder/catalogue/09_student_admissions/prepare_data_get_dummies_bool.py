"""Builds the one-hot columns with pd.get_dummies without dtype=float: mixed with floats they make X an object array.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_values
"""
import pandas as pd


def prepare_data(df):
    scaled = pd.DataFrame({"gre": df["gre"] / 800, "gpa": df["gpa"] / 4})
    ranks = pd.get_dummies(df["rank"], prefix="rank").reindex(
        columns=["rank_1", "rank_2", "rank_3", "rank_4"], fill_value=False)
    X = pd.concat([scaled, ranks], axis=1).to_numpy()
    y = df["admit"].to_numpy()
    return X, y
