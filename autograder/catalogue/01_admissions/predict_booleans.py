"""Returns True/False instead of the integers 1/0.

function: predict
expect: wrong
must_fail: test_predict_lesson_students, test_predict_hidden
"""


def predict(X, W, b):
    return score(X, W, b) >= 0
