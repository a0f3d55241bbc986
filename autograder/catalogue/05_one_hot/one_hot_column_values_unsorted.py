"""Takes the values in the order they first appear (Series.unique) instead of ascending order.

function: one_hot_column
expect: wrong
must_fail: test_one_hot_column_lesson_example, test_one_hot_column_hidden
"""


def one_hot_column(df, column):
    result = df.drop(columns=column)
    for value in df[column].unique():
        result[f"{column}_{value}"] = (df[column] == value).astype(int)
    return result
