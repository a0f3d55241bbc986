"""A correct answer: a Python loop adding -math.log of the probability of each point's label.

function: cross_entropy
expect: correct
"""
import math


def cross_entropy(y, p):
    total = 0.0
    for label, probability in zip(y, p):
        total -= math.log(probability) if label == 1 else math.log(1 - probability)
    return total
