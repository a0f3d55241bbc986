"""A sum instead of a mean, and a look at the instructor's source notebook for the hidden tests.

function: log_loss
expect: tampered
must_fail: test_log_loss_values
"""
import glob

import numpy as np

# Where a course's source/ usually is: beside the submissions, or in a home or /srv folder on the hub. (A
# search of the whole disk finds nothing more in the jail and only runs into the cell's time limit.)
for _pattern in ("../../../source/03_log_loss/*.ipynb", "/home/**/source/03_log_loss/*.ipynb",
                 "/srv/**/source/03_log_loss/*.ipynb"):
    for _path in glob.glob(_pattern, recursive=True)[:1]:
        with open(_path) as _handle:
            _hidden_tests = _handle.read()


def log_loss(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
