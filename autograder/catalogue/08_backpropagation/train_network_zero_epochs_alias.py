"""Starts from the caller's dict itself, so with epochs=0 it returns params: changing the result changes params.

function: train_network
expect: wrong
must_fail: test_train_network_not_modified
"""


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    current = params
    losses = []
    for _ in range(epochs):
        gradients = backprop(X, y, current)
        current = {name: current[name] - learn_rate * gradients[name] for name in current}
        losses.append(log_loss(y, feedforward(X, current)[0]))
    return current, losses
