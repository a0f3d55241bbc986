"""A correct answer: a Python loop multiplying p or 1 - p point by point.

function: likelihood
expect: correct
"""


def likelihood(y, p):
    total = 1.0
    for label, probability in zip(y, p):
        total *= probability if label == 1 else 1 - probability
    return total
