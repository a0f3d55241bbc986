"""Calls perceptron_step without passing learn_rate, so it always trains with the default 0.01.

function: train_perceptron
expect: wrong
must_fail: test_train_perceptron_history, test_train_perceptron_snapshots, test_train_perceptron_hidden
"""


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    history = []
    for _ in range(num_epochs):
        W, b = perceptron_step(X, y, W, b)
        history.append((W, b))
    return history
