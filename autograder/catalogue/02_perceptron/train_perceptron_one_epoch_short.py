"""Loops over range(1, num_epochs), so it runs one epoch too few.

function: train_perceptron
expect: wrong
must_fail: test_train_perceptron_history, test_train_perceptron_hidden
"""


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    history = []
    for _ in range(1, num_epochs):
        W, b = perceptron_step(X, y, W, b, learn_rate)
        history.append((W, b))
    return history
