"""Appends the new columns but forgets to remove the encoded column itself.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_lesson_example, test_one_hot_column_column_order, test_one_hot_column_hidden
"""


def one_hot_column(df, column):
    result = df.copy()
    for value in sorted(df[column].unique()):
        result[f"{column}_{value}"] = (df[column] == value).astype(int)
    return result
