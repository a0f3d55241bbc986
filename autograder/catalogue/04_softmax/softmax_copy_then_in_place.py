"""A correct answer that copies z as floats first (so integers work), then works in place on its own copy.

function: softmax
expect: correct
"""
import numpy as np


def softmax(z):
    z = np.array(z, dtype=float)  # np.array copies: the caller's array is safe
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z
