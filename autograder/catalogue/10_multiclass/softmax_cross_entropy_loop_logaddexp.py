"""A correct answer with a loop over the points and np.logaddexp.reduce for the log-sum-exp.

function: softmax_cross_entropy
expect: correct
"""
import numpy as np


def softmax_cross_entropy(Y, Z):
    total = 0.0
    for labels, scores in zip(Y, Z):
        scores = np.asarray(scores, dtype=float)
        log_sum = np.logaddexp.reduce(scores)
        for label, score in zip(labels, scores):
            if label:
                total += -(score - log_sum) * label
    return total / len(Z)
