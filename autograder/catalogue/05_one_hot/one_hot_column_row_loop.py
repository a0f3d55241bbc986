"""A correct answer that copies the frame and fills each new column row by row in Python loops.

function: one_hot_column
expect: correct
"""


def one_hot_column(df, column):
    result = df.copy()
    del result[column]
    values = sorted(set(df[column]))
    for value in values:
        result[f"{column}_{value}"] = [1 if x == value else 0 for x in df[column]]
    return result
