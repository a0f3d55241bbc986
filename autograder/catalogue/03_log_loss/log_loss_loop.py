"""A correct answer written as a Python loop with math.log.

function: log_loss
expect: correct
"""
import math


def log_loss(y, p):
    total = 0.0
    for label, prob in zip(y, p, strict=True):
        if label == 1:
            total += -math.log(prob)
        else:
            total += -math.log(1 - prob)
    return total / len(y)
