"""Loops with df.loc[i] for i in range(len(df)): reads the wrong rows (or fails) when the index is not 0, 1, 2, ...

function: prepare_data
expect: wrong
must_fail: test_prepare_data_hidden
"""
import numpy as np


def prepare_data(df):
    rows, labels = [], []
    for i in range(len(df)):
        row = df.loc[i]
        rows.append([row["gre"] / 800, row["gpa"] / 4] + [1.0 if row["rank"] == k else 0.0 for k in [1, 2, 3, 4]])
        labels.append(int(row["admit"]))
    return np.array(rows), np.array(labels)
