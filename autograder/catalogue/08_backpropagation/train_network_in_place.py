"""Updates the caller's parameters in place (params["W1"] -= ...), so params is changed by training.

function: train_network
expect: wrong
must_fail: test_train_network_not_modified
"""


def train_network(X, y, params, learn_rate=1.0, epochs=1000):
    losses = []
    for _ in range(epochs):
        gradients = backprop(X, y, params)
        params["W1"] -= learn_rate * gradients["W1"]
        params["b1"] -= learn_rate * gradients["b1"]
        params["W2"] -= learn_rate * gradients["W2"]
        params["b2"] -= learn_rate * gradients["b2"]
        losses.append(log_loss(y, feedforward(X, params)[0]))
    return params, losses
