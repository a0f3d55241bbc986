"""The logic behind the lessons' interactive figures: what each one computes for given slider values
(checked on values), and that moving a control redraws with the new value."""

import matplotlib

matplotlib.use("Agg")
import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnhelpers import datasets, interactive  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_line_summary_of_the_office_line_is_lesson_01s():
    students = datasets.load_admissions()
    X, y = students[["test", "grades"]].to_numpy(), students["accepted"].to_numpy()
    summary = interactive.line_model_summary(X, y, [2.0, 1.0], -18.0)
    assert summary["accuracy"] == 0.91  # 9 of 100 misclassified, as lesson 01 prints
    scores = X @ np.array([2.0, 1.0]) - 18.0
    p = 1 / (1 + np.exp(-scores))
    # The same log-loss as through the probabilities, to rounding (the scores are at most about 12 in size).
    assert summary["log_loss"] == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), rel=1e-9)


def test_line_summary_stays_finite_for_a_steep_wrong_line():
    summary = interactive.line_model_summary([[1.0, 0.0]], [0], [1000.0, 0.0], 0.0)
    assert summary == {"accuracy": 0.0, "log_loss": pytest.approx(1000.0)}


def _trick(x, label, W, b, learn_rate):  # lesson 02's trick on one point
    error = label - int(x @ W + b >= 0)
    return W + learn_rate * error * x, b + learn_rate * error


def test_the_trick_moves_the_line_towards_a_misclassified_point_and_leaves_it_for_a_right_one():
    X, y = np.array([[2.0, 1.0], [0.0, 0.0]]), np.array([1, 0])
    W, b, following, moved = interactive.perceptron_trick_step(X, y, [1.0, 2.0], -6.0, 0, 0.1, _trick)
    assert moved and following == 1
    assert np.allclose(W, [1.2, 2.1]) and b == pytest.approx(-5.9)  # lesson 02's first application
    W2, b2, following, moved = interactive.perceptron_trick_step(X, y, W, b, 1, 0.1, _trick)
    assert not moved and following == 0 and np.array_equal(W2, W) and b2 == b


def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def test_temperature_keeps_the_order_and_moves_between_uniform_and_one_hot():
    z = np.array([2.0, 1.0, 0.0])
    assert np.array_equal(interactive.tempered(z, 1.0), z)
    hot, cold = _softmax(interactive.tempered(z, 100.0)), _softmax(interactive.tempered(z, 0.05))
    assert np.allclose(hot, 1 / 3, atol=0.01) and cold[0] > 0.999
    for t in (0.1, 0.5, 2.0, 10.0):
        p = _softmax(interactive.tempered(z, t))
        assert p[0] > p[1] > p[2]
    with pytest.raises(ValueError, match="positive"):
        interactive.tempered(z, 0.0)
    ax = interactive.draw_softmax(["a", "b", "c"], z, 2.0, _softmax)
    assert [round(bar.get_height(), 6) for bar in ax.patches] == [round(v, 6) for v in _softmax(z / 2)]


def test_loss_surface_is_the_mean_log_loss_at_every_grid_point():
    x, y = np.array([-1.0, 0.5, 2.0]), np.array([0, 1, 1])
    weights, biases = np.array([-1.0, 0.0, 2.0]), np.array([0.5, -0.5])
    surface = interactive.log_loss_surface(x, y, weights, biases)
    assert surface.shape == (2, 3)
    p = 1 / (1 + np.exp(-(2.0 * x - 0.5)))
    assert surface[1, 2] == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert surface[0, 1] == pytest.approx(np.log(1 + np.exp(0.5)) - 2 / 3 * 0.5)  # w = 0: every score 0.5


def test_descent_path_converges_with_a_small_rate_and_bounces_off_with_a_large_one():
    def gradient(theta):
        return 2 * (theta - 3.0)  # the valley (theta - 3)^2, curvature 2: rates below 1 converge

    calm = interactive.gradient_descent_path(gradient, [0.0], 0.25, 20)
    assert calm.shape == (21, 1) and calm[0, 0] == 0.0 and calm[-1, 0] == pytest.approx(3.0, abs=1e-5)
    wild = interactive.gradient_descent_path(gradient, [0.0], 1.1, 20)
    assert abs(wild[-1, 0] - 3.0) > abs(wild[1, 0] - 3.0) > 0, "above 2 / curvature each step overshoots further"


def test_an_explorer_redraws_with_the_new_value_and_shows_one_fixed_line_of_text():
    seen = []
    slider = widgets.IntSlider(value=1, min=0, max=5)
    explorer = interactive._explorer({"units": slider}, lambda units: seen.append(units), "a test slider")
    assert seen == [], "the static figure above shows the start; executing a lesson stores nothing more"
    slider.value = 4
    assert seen == [4]
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Interactive: a test slider (run the notebook")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_the_hidden_units_explorer_trains_only_when_asked():
    trained = []

    def train(hidden_units):
        trained.append(hidden_units)
        return lambda P: np.full(len(P), 0.5)

    X, y = np.array([[0.1, 0.2], [0.8, 0.9]]), np.array([0, 1])
    explorer = interactive.hidden_units_explorer(X, y, train, hidden_units=2)
    assert trained == [], "opening the lesson must not train eight networks"
    slider = explorer.widget.children[0].children[0]
    slider.value = 3
    assert trained == [3]


def test_static_figures_say_what_the_settings_give():
    students = datasets.load_admissions()
    X, y = students[["test", "grades"]].to_numpy(), students["accepted"].to_numpy()
    ax = interactive.draw_line_model(X, y, [2.0, 1.0], -18.0)
    assert "accuracy 0.91" in ax.get_title() and len(ax.figure.axes) == 2  # the map and its colour bar
    X2, y2 = np.array([[0.2, 0.3], [0.7, 0.6]]), np.array([1, 1])
    ax = interactive.draw_trick_step(X2, y2, [1.0, 1.0], -1.0, index=1)
    circled = [c for c in ax.collections if c.get_label() == "next point"]
    assert circled and np.allclose(circled[0].get_offsets(), [[0.7, 0.6]])
    assert ax.get_title().endswith("1 misclassified")  # (0.7, 0.6) scores 0.3: right; (0.2, 0.3) scores -0.5: wrong
