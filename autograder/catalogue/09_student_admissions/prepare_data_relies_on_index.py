"""Joins a one-hot table with a fresh 0, 1, 2, ... index to df's columns: rows misalign when df has another index.

function: prepare_data
expect: wrong
must_fail: test_prepare_data_hidden
"""
import numpy as np
import pandas as pd


def prepare_data(df):
    one_hot = np.eye(4)[df["rank"].to_numpy() - 1]
    ranks = pd.DataFrame(one_hot, columns=["rank_1", "rank_2", "rank_3", "rank_4"])
    features = pd.concat([df["gre"] / 800, df["gpa"] / 4], axis=1)
    features[ranks.columns] = ranks
    return features.to_numpy(dtype=float), df["admit"].to_numpy()
