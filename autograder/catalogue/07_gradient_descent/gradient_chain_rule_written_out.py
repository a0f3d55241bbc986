"""A correct answer that multiplies the three factors of the chain rule, dE/dp * dp/dscore * dscore/dw.

function: log_loss_gradient
expect: correct
"""
import numpy as np


def log_loss_gradient(X, y, W, b):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    p = predict_proba(X, W, b)  # noqa: F821 (defined in the notebook)
    dE_dp = -y / p + (1 - y) / (1 - p)
    dp_dscore = p * (1 - p)
    per_point = dE_dp * dp_dscore
    return (X * per_point[:, None]).sum(axis=0) / X.shape[0], float(per_point.sum() / X.shape[0])
