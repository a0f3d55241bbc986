"""Copies the dict but not its arrays (dict(params)), then updates the arrays in place with -=.

function: train_network
expect: wrong
must_fail: test_train_network_not_modified
"""


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    current = dict(params)
    losses = []
    for _ in range(epochs):
        gradients = backprop(X, y, current)
        for name in current:
            current[name] -= learn_rate * gradients[name]
        losses.append(log_loss(y, feedforward(X, current)[0]))
    return current, losses
