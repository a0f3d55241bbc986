"""Returns pd.get_dummies as it comes: in pandas 2 and later its new columns hold True/False, not integers.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_lesson_example, test_one_hot_column_integer_dtype
"""
import pandas as pd


def one_hot_column(df, column):
    return pd.get_dummies(df, columns=[column])
