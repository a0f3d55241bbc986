"""Right result, but adds the new columns to the caller's DataFrame (df[name] = ...) before dropping the column.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_leaves_df_unchanged, test_one_hot_column_hidden
"""


def one_hot_column(df, column):
    for value in sorted(df[column].unique()):
        df[f"{column}_{value}"] = (df[column] == value).astype(int)
    return df.drop(columns=column)
