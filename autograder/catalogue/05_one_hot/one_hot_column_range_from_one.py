"""Assumes the values are 1, 2, ..., max: makes columns for values that never occur and misses values below 1.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_hidden
"""


def one_hot_column(df, column):
    result = df.drop(columns=column)
    for value in range(1, df[column].max() + 1):
        result[f"{column}_{value}"] = (df[column] == value).astype(int)
    return result
