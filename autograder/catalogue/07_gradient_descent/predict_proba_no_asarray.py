"""Uses X @ W directly, which fails when X and W are lists.

function: predict_proba
expect: wrong
must_fail: test_predict_proba_hidden
"""


def predict_proba(X, W, b):
    return sigmoid(X @ W + b)  # noqa: F821 (given in the notebook)
