"""Calls .astype on the comparison, which fails for a plain Python number (a bool has no .astype).

function: step
expect: wrong
must_fail: test_step_scalar, test_step_hidden
"""


def step(t):
    return (t >= 0).astype(int)
