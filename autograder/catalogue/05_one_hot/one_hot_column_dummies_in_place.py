"""Inserts the new columns where the encoded column was, instead of at the end.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_column_order
"""
import pandas as pd


def one_hot_column(df, column):
    position = list(df.columns).index(column)
    dummies = pd.get_dummies(df[column], prefix=column, dtype=int)
    before, after = df.iloc[:, :position], df.iloc[:, position + 1:]
    return pd.concat([before, dummies, after], axis=1)
