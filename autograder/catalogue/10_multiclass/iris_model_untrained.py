"""Returns the starting model (zero epochs): every score is 0 and every flower is called setosa.

function: train_iris_model
expect: wrong
must_fail: test_train_iris_model_accuracy
"""


def train_iris_model(X_train, Y_train):
    W, b, losses = train_softmax_regression(X_train, Y_train, learn_rate=0.5, epochs=0)  # noqa: F821 (defined in the notebook)
    return W, b
