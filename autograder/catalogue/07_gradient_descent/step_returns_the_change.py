"""Returns the step -learn_rate * gradient instead of the new weights (forgets to start from W and b).

function: gradient_descent_step
expect: wrong
must_fail: test_gradient_descent_step_values, test_gradient_descent_step_hidden
"""


def gradient_descent_step(X, y, W, b, learn_rate):
    dW, db = log_loss_gradient(X, y, W, b)  # noqa: F821 (defined in the notebook)
    return -learn_rate * dW, -learn_rate * db
