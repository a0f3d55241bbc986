"""A correct answer with pd.get_dummies(dtype=float), reindexed so that all four rank columns are always there.

function: prepare_data
expect: correct
"""
import pandas as pd


def prepare_data(df):
    ranks = pd.get_dummies(df["rank"], prefix="rank", dtype=float)
    ranks = ranks.reindex(columns=["rank_1", "rank_2", "rank_3", "rank_4"], fill_value=0.0)
    features = pd.concat([df["gre"] / 800, df["gpa"] / 4, ranks], axis=1)
    return features.to_numpy(dtype=float), df["admit"].to_numpy(dtype=int)
