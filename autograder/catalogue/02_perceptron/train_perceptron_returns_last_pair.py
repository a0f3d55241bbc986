"""Returns only the final (W, b) instead of the list of one pair per epoch.

function: train_perceptron
expect: wrong
must_fail: test_train_perceptron_history, test_train_perceptron_hidden
"""


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    for _ in range(num_epochs):
        W, b = perceptron_step(X, y, W, b, learn_rate)
    return W, b
