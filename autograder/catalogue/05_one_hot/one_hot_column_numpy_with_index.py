"""A correct answer: np.zeros and fancy indexing, wrapped in a DataFrame with index=df.index.

function: one_hot_column
expect: correct
"""
import numpy as np
import pandas as pd


def one_hot_column(df, column):
    values = np.unique(df[column].to_numpy())
    positions = np.searchsorted(values, df[column].to_numpy())
    encoded = np.zeros((len(df), len(values)), dtype=np.int64)
    encoded[np.arange(len(df)), positions] = 1
    dummies = pd.DataFrame(encoded, columns=[f"{column}_{v}" for v in values], index=df.index)
    return df.drop(columns=column).join(dummies)
