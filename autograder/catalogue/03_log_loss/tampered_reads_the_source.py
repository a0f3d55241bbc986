"""A sum instead of a mean, and a look at the instructor's source notebook for the hidden tests.

function: log_loss
expect: tampered
must_fail: test_log_loss_values
"""
import glob

import numpy as np

for _path in glob.glob("/**/source/03_log_loss/*.ipynb", recursive=True)[:1]:
    with open(_path) as _handle:
        _hidden_tests = _handle.read()


def log_loss(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
