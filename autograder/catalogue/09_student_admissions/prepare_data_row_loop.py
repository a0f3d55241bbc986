"""A correct answer that builds the rows one by one with itertuples (position-based, so any index works).

function: prepare_data
expect: correct
"""
import numpy as np


def prepare_data(df):
    rows = []
    labels = []
    for applicant in df.itertuples(index=False):
        one_hot = [0.0, 0.0, 0.0, 0.0]
        one_hot[int(applicant.rank) - 1] = 1.0
        rows.append([applicant.gre / 800, applicant.gpa / 4] + one_hot)
        labels.append(applicant.admit)
    return np.array(rows, dtype=float), np.array(labels, dtype=int)
