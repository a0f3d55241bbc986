"""A correct answer: pd.get_dummies on the whole frame with dtype=int (it appends the new columns at the end).

function: one_hot_column
expect: correct
"""
import pandas as pd


def one_hot_column(df, column):
    return pd.get_dummies(df, columns=[column], dtype=int)
