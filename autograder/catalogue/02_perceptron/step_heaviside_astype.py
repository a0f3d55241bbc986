"""A correct answer: np.heaviside(t, 1) converted to integers, plus a warning on stderr.

function: step
expect: correct
"""
import sys

import numpy as np


def step(t):
    print("step: using heaviside", file=sys.stderr)
    return np.heaviside(t, 1).astype(int)[()]
