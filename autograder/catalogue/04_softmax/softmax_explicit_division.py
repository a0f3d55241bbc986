"""A correct answer in one expression for the numerators and np.divide for the normalisation.

function: softmax
expect: correct
"""
import numpy as np


def softmax(z):
    z = np.asarray(z)
    numerators = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.divide(numerators, numerators.sum(axis=-1, keepdims=True))
