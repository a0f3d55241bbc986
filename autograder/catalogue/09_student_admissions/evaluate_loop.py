"""A correct answer that compares prediction and label point by point in a loop.

function: evaluate
expect: correct
"""


def evaluate(X, y, params):
    output, _ = feedforward(X, params)
    right = 0
    for probability, label in zip(output, y):
        prediction = 1 if probability >= 0.5 else 0
        if prediction == label:
            right += 1
    return right / len(output)
