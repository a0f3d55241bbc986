"""Builds the new columns from a NumPy array and resets the index, so the rows lose their labels.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_index
"""
import numpy as np
import pandas as pd


def one_hot_column(df, column):
    values = sorted(df[column].unique())
    encoded = (df[column].to_numpy()[:, None] == np.array(values)).astype(int)
    dummies = pd.DataFrame(encoded, columns=[f"{column}_{v}" for v in values])
    return pd.concat([df.drop(columns=column).reset_index(drop=True), dummies], axis=1)
