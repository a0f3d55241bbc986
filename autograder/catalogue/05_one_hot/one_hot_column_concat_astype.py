"""A correct answer: get_dummies of the one column, converted with astype(int), concatenated after the rest.

function: one_hot_column
expect: correct
"""
import pandas as pd


def one_hot_column(df, column):
    dummies = pd.get_dummies(df[column], prefix=column).astype(int)
    return pd.concat([df.drop(columns=column), dummies], axis=1)
