"""Sorts the new column names as text, so size_10 comes before size_5.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_hidden
"""


def one_hot_column(df, column):
    result = df.drop(columns=column)
    for value in sorted(str(v) for v in df[column].unique()):
        result[f"{column}_{value}"] = (df[column].astype(str) == value).astype(int)
    return result
