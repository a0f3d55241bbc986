"""Right for arrays, but calls X.dot(W1), which fails when X is given as a list.

function: feedforward
expect: wrong
must_fail: test_feedforward_hidden
"""


def feedforward(X, params):
    hidden = sigmoid(X.dot(params["W1"]) + params["b1"])
    return sigmoid(hidden.dot(params["W2"]) + params["b2"]), hidden
