"""A correct answer with a while loop and an epoch counter, relying on perceptron_step returning new arrays.

function: train_perceptron
expect: correct
"""


def train_perceptron(X, y, W, b, learn_rate=0.01, num_epochs=25):
    history = []
    epoch = 0
    while epoch < num_epochs:
        W, b = perceptron_step(X, y, W, b, learn_rate=learn_rate)
        history = history + [(W, b)]
        epoch += 1
    return history
