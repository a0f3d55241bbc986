"""Puts the new columns in front of the other columns instead of after them.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_lesson_example, test_one_hot_column_column_order
"""
import pandas as pd


def one_hot_column(df, column):
    dummies = pd.get_dummies(df[column], prefix=column, dtype=int)
    return pd.concat([dummies, df.drop(columns=column)], axis=1)
