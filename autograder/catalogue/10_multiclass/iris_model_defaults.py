"""A correct answer with the default settings (learning rate 0.1, 1000 epochs): 28 of the 30 test flowers.

function: train_iris_model
expect: correct
"""


def train_iris_model(X_train, Y_train):
    W, b, _ = train_softmax_regression(X_train, Y_train)  # noqa: F821 (defined in the notebook)
    return W, b
