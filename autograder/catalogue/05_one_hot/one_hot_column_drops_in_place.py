"""Drops the encoded column with inplace=True and returns the caller's own DataFrame, changed.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_leaves_df_unchanged, test_one_hot_column_hidden, test_one_hot_column_index
"""


def one_hot_column(df, column):
    values = df[column]
    df.drop(columns=column, inplace=True)
    for value in sorted(values.unique()):
        df[f"{column}_{value}"] = (values == value).astype(int)
    return df
