"""A correct answer: np.einsum multiplies Y and ln P entry by entry and adds everything up.

function: multiclass_cross_entropy
expect: correct
"""
import numpy as np


def multiclass_cross_entropy(Y, P):
    return -np.einsum("ij,ij->", np.asarray(Y, dtype=float), np.log(np.asarray(P, dtype=float)))
