"""A correct answer through the log-sum-exp: softmax(z) = exp(z - (m + ln sum exp(z - m))), m the row maximum.

function: softmax
expect: correct
"""
import numpy as np


def softmax(z):
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    log_total = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return np.exp(z - log_total)
