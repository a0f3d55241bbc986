"""A correct answer that counts agreements in a loop and divides by the length.

function: accuracy
expect: correct
"""


def accuracy(y_true, y_pred):
    right = 0
    for t, p in zip(y_true, y_pred):
        if t == p:
            right += 1
    return right / len(y_true)
