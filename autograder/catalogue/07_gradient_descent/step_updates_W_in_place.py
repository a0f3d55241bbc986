"""Right values, but updates the caller's W in place with W -= learn_rate * dW.

function: gradient_descent_step
expect: wrong
must_fail: test_gradient_descent_step_hidden
"""


def gradient_descent_step(X, y, W, b, learn_rate):
    dW, db = log_loss_gradient(X, y, W, b)  # noqa: F821 (defined in the notebook)
    W -= learn_rate * dW
    return W, b - learn_rate * db
