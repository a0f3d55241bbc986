"""The assignment contract of COURSE_SPEC.md, as data: each graded function and its signature.

Tests check every source notebook against it; the self-test catalogue may only name these
functions. Change a row here only together with the course spec.
"""

CONTRACT = {
    "01_admissions": {
        "score": "(X, W, b)",
        "predict": "(X, W, b)",
        "accuracy": "(y_true, y_pred)",
    },
    "02_perceptron": {
        "step": "(t)",
        "perceptron_step": "(X, y, W, b, learn_rate=0.01)",
        "train_perceptron": "(X, y, W, b, learn_rate=0.01, num_epochs=25)",
    },
    "03_log_loss": {
        "sigmoid": "(x)",
        "sigmoid_prime": "(x)",
        "log_loss": "(y, p)",
    },
    "04_softmax": {
        "softmax": "(z)",
    },
    "05_one_hot": {
        "one_hot": "(labels, num_classes)",
        "one_hot_column": "(df, column)",
    },
    "06_maximum_likelihood": {
        "likelihood": "(y, p)",
        "cross_entropy": "(y, p)",
        "multiclass_cross_entropy": "(Y, P)",
    },
    "07_gradient_descent": {
        "predict_proba": "(X, W, b)",
        "log_loss_gradient": "(X, y, W, b)",
        "gradient_descent_step": "(X, y, W, b, learn_rate)",
        "train_logistic_regression": "(X, y, learn_rate=0.1, epochs=1000)",
    },
    "08_backpropagation": {
        "feedforward": "(X, params)",
        "backprop": "(X, y, params)",
        "train_network": "(X, y, params, learn_rate=1.0, epochs=1000)",
    },
    "09_student_admissions": {
        "prepare_data": "(df)",
        "split_data": "(X, y, test_fraction=0.1, rng=None)",
        "evaluate": "(X, y, params)",
    },
    "10_multiclass": {
        "log_softmax": "(Z)",
        "softmax_cross_entropy": "(Y, Z)",
        "softmax_regression_gradient": "(X, Y, W, b)",
        "train_softmax_regression": "(X, Y, learn_rate=0.1, epochs=1000)",
    },
}
