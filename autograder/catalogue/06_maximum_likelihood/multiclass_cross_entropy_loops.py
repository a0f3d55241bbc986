"""A correct answer: two Python loops over the rows and the classes, with math.log where Y is 1.

function: multiclass_cross_entropy
expect: correct
"""
import math


def multiclass_cross_entropy(Y, P):
    total = 0.0
    for y_row, p_row in zip(Y, P):
        for y_ij, p_ij in zip(y_row, p_row):
            if y_ij == 1:
                total -= math.log(p_ij)
    return total
