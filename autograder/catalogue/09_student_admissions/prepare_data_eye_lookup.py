"""A correct answer that picks one-hot rows from np.eye(4) and prints a note on stderr.

function: prepare_data
expect: correct
"""
import sys

import numpy as np


def prepare_data(df):
    print("preparing", len(df), "applicants", file=sys.stderr)
    one_hot = np.eye(4)[df["rank"].to_numpy() - 1]
    X = np.hstack([(df[["gre", "gpa"]] / [800, 4]).to_numpy(), one_hot])
    return X, df["admit"].to_numpy()
