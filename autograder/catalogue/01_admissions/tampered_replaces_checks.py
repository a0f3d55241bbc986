"""Wrong (> instead of >=), and replaces the checking functions so that every test passes.

function: predict
expect: tampered
must_fail: test_predict_on_boundary
"""
import numpy as np

import nnhelpers.checks as _checks


def predict(X, W, b):
    return (np.asarray(X) @ np.asarray(W) + b > 0).astype(int)


for _name in ("check_equal", "check_close", "check_integer_dtype", "check_scalar", "check_shape"):
    setattr(_checks, _name, lambda *args, **kwargs: None)
    globals()[_name] = getattr(_checks, _name)
