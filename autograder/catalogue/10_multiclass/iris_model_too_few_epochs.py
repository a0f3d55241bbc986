"""Stops after 10 small steps, long before the model has learned to separate the species.

function: train_iris_model
expect: wrong
must_fail: test_train_iris_model_accuracy
"""


def train_iris_model(X_train, Y_train):
    W, b, losses = train_softmax_regression(X_train, Y_train, learn_rate=0.1, epochs=10)  # noqa: F821 (defined in the notebook)
    return W, b
