"""Starts every epoch from the initial W and b, so the line never gets past the first epoch.

function: train_perceptron
expect: wrong
must_fail: test_train_perceptron_history, test_train_perceptron_hidden
"""


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    history = []
    for _ in range(num_epochs):
        new_W, new_b = perceptron_step(X, y, W, b, learn_rate)
        history.append((new_W, new_b))
    return history
