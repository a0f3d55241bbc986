"""Interactive figures for the lessons: sliders and buttons that redraw a figure as you move them.

Each explorer has two halves. A pure function computes what is drawn for given settings (tested
in tests/test_interactive.py), and a ``draw_*`` function draws it; a lesson first shows the drawing
for the starting settings as an ordinary figure (the static fallback, which is what a code host,
nbviewer and CI see), then the live explorer, which draws nothing until a control moves: it then
draws under its controls, into an ipywidgets ``Output``. So executing a lesson (``make lessons``,
nbval, which does not understand ``Output`` widgets) stores only the static figure and one fixed
line of text for the explorer: re-executed lessons store the same outputs.
"""

import numpy as np

from nnhelpers import plotting

__all__ = [
    "line_model_summary", "draw_line_model", "line_explorer",
    "perceptron_trick_step", "draw_trick_step", "perceptron_trick_explorer",
    "tempered", "draw_softmax", "temperature_explorer",
    "log_loss_surface", "gradient_descent_path", "draw_descent", "descent_explorer",
    "draw_network_boundary", "hidden_units_explorer",
]


# ---- lines, accuracy and log-loss (lessons 01 and 03)

def line_model_summary(X, y, W, b):
    """Accuracy (prediction 1 where the score is >= 0) and mean log-loss of the line ``W . x + b = 0``.

    The log-loss is computed from the scores, ``ln(1 + e^t) - y t`` (lesson 03), so a steep line far
    from a point gives a large finite error, never ``inf``.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    scores = X @ np.asarray(W, dtype=float) + float(b)
    return {"accuracy": float(np.mean((scores >= 0) == (y == 1))),
            "log_loss": float(np.mean(np.logaddexp(0.0, scores) - y * scores))}


def draw_line_model(X, y, W, b, ax=None, axis_labels=("$x_1$", "$x_2$"), labels=("class 0", "class 1")):
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.subplots()[1]
    plotting.plot_points(X, y, ax=ax, labels=labels, axis_labels=axis_labels, legend="lower left")
    plotting.plot_model_boundary(lambda P: 1 / (1 + np.exp(-np.clip(P @ np.asarray(W, float) + b, -500, 500))), ax=ax,
                                 colorbar_label="P(class 1) = σ(score)")
    plotting.plot_positive_side(W, b, ax=ax)
    summary = line_model_summary(X, y, W, b)
    ax.set_title(f"$w_1$ = {W[0]:g}, $w_2$ = {W[1]:g}, b = {b:g}: accuracy {summary['accuracy']:.2f}, "
                 f"log-loss {summary['log_loss']:.3f}", fontsize=10)
    return ax


class Explorer:
    """A live widget that shows as one fixed line of text where widgets cannot run."""

    def __init__(self, widget, description):
        self.widget = widget
        self.description = description

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": f"Interactive: {self.description} (run the notebook to use it; the figure above "
                                "shows the starting values)."}
        live = self.widget._repr_mimebundle_()
        if live and "application/vnd.jupyter.widget-view+json" in live:
            bundle["application/vnd.jupyter.widget-view+json"] = live["application/vnd.jupyter.widget-view+json"]
        return bundle


def _redraw(output, draw):
    import matplotlib.pyplot as plt

    with output:
        output.clear_output(wait=True)
        draw()
        plt.show()


def _explorer(controls, draw, description, draw_now=False):
    """Redraw with the controls' current values (a dict of name to widget) whenever one changes.
    The first drawing waits for the first change (the static figure above shows the start), unless
    ``draw_now``."""
    import ipywidgets as widgets

    output = widgets.Output()

    def update(_=None):
        _redraw(output, lambda: draw(**{name: control.value for name, control in controls.items()}))

    for control in controls.values():
        control.observe(update, names="value")
    if draw_now:
        update()
    return Explorer(widgets.VBox([widgets.HBox(list(controls.values())), output]), description)


def line_explorer(X, y, W, b, axis_labels=("$x_1$", "$x_2$"), labels=("class 0", "class 1"), weight_range=(-5, 5),
                  bias_range=(-30, 30)):
    """Sliders for w1, w2 and b, with the live boundary, accuracy and log-loss."""
    import ipywidgets as widgets

    def slider(name, value, low, high, step):
        return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=name, continuous_update=False,
                                   layout=widgets.Layout(width="32%"))

    controls = {"w1": slider("w1", W[0], *weight_range, 0.1), "w2": slider("w2", W[1], *weight_range, 0.1),
                "b": slider("b", b, *bias_range, 0.5)}
    return _explorer(controls, lambda w1, w2, b: draw_line_model(X, y, [w1, w2], b, axis_labels=axis_labels,
                                                                 labels=labels),
                     "sliders for w1, w2 and b")


# ---- the perceptron trick, one point at a time (lesson 02)

def perceptron_trick_step(X, y, W, b, index, learn_rate, trick):
    """Visit point ``index`` with the lesson's own ``trick(x, label, W, b, learn_rate) -> (W, b)``.

    Returns ``(W, b, next index, moved)``: the visits go round the points in order, as an epoch does,
    and ``moved`` says whether the trick changed the line (it does only for a misclassified point).
    """
    new_W, new_b = trick(np.asarray(X[index], dtype=float), int(y[index]), np.asarray(W, dtype=float), float(b),
                         learn_rate)
    moved = not (np.array_equal(new_W, W) and float(new_b) == float(b))
    return np.asarray(new_W, dtype=float), float(new_b), (index + 1) % len(X), moved


def draw_trick_step(X, y, W, b, index, ax=None, note=""):
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.subplots()[1]
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    plotting.plot_points(X, y, ax=ax, legend="lower left")
    plotting.plot_line(W, b, ax=ax, color=plotting.GREEN, show_side=True)
    ax.scatter(*np.asarray(X[index], dtype=float), s=220, facecolors="none", edgecolors="black", linewidths=2,
               zorder=4, label="next point")
    ax.legend(loc="lower left")
    errors = int(np.sum((np.asarray(X, float) @ np.asarray(W, float) + b >= 0) != (np.asarray(y) == 1)))
    ax.set_title(f"{note}{errors} misclassified", fontsize=10)
    return ax


def perceptron_trick_explorer(X, y, W, b, trick, learn_rate=0.1):
    """A button that applies the lesson's ``trick`` to the next point, and one that starts again."""
    import ipywidgets as widgets

    state = {"W": np.asarray(W, dtype=float), "b": float(b), "index": 0, "steps": 0}
    output = widgets.Output()
    step, reset = widgets.Button(description="next point"), widgets.Button(description="start again")

    def show(note=""):
        _redraw(output, lambda: draw_trick_step(X, y, state["W"], state["b"], state["index"], note=note))

    def on_step(_):
        visited = state["index"]
        state["W"], state["b"], state["index"], moved = perceptron_trick_step(X, y, state["W"], state["b"], visited,
                                                                              learn_rate, trick)
        state["steps"] += 1
        show(f"point {visited} {'moved the line' if moved else 'was already right'}; ")

    def on_reset(_):
        state.update(W=np.asarray(W, dtype=float), b=float(b), index=0, steps=0)
        show()

    step.on_click(on_step)
    reset.on_click(on_reset)
    return Explorer(widgets.VBox([widgets.HBox([step, reset]), output]), "a button that applies the perceptron trick")


# ---- softmax temperature (lesson 04)

def tempered(z, temperature):
    """The scores divided by the temperature ``T``: softmax(z / T) evens the probabilities out for a high
    ``T`` and sharpens them for a low one. (The lesson brings its own softmax.)"""
    if temperature <= 0:
        raise ValueError(f"the temperature must be positive, not {temperature}.")
    return np.asarray(z, dtype=float) / temperature


def draw_softmax(names, z, temperature, softmax, ax=None):
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.subplots(figsize=(5, 3))[1]
    p = softmax(tempered(z, temperature))
    colours = [plotting.ORANGE, plotting.BLUE, plotting.GREEN, plotting.PURPLE, plotting.GREY][: len(names)]
    ax.bar(names, p, color=colours)
    for position, value in enumerate(p):
        ax.text(position, value + 0.02, f"{value:.2f}", ha="center")
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    ax.set_title(f"softmax(z / T) with T = {temperature:g}")
    return ax


def temperature_explorer(names, z, softmax, temperature=1.0):
    import ipywidgets as widgets

    slider = widgets.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.05, description="T",
                                    continuous_update=False)
    return _explorer({"temperature": slider}, lambda temperature: draw_softmax(names, z, temperature, softmax),
                     "a temperature slider for softmax")


# ---- gradient descent on a loss contour (lesson 07)

def log_loss_surface(x, y, weights, biases):
    """Mean log-loss of ``sigma(w x + b)`` for one feature ``x`` and labels ``y``, on the grid
    ``weights`` x ``biases`` (rows: biases, columns: weights, as ``plt.contour`` wants)."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w, b = np.meshgrid(np.asarray(weights, dtype=float), np.asarray(biases, dtype=float))
    scores = w[..., None] * x + b[..., None]
    return np.mean(np.logaddexp(0.0, scores) - y * scores, axis=-1)


def gradient_descent_path(gradient, start, learn_rate, steps):
    """The points visited by ``steps`` steps of gradient descent from ``start``: shape (steps + 1, d)."""
    path = [np.asarray(start, dtype=float)]
    for _ in range(int(steps)):
        path.append(path[-1] - learn_rate * np.asarray(gradient(path[-1]), dtype=float))
    return np.array(path)


def _one_feature_gradient(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def gradient(theta):
        error = 1 / (1 + np.exp(-(theta[0] * x + theta[1]))) - y
        return np.array([np.mean(error * x), np.mean(error)])

    return gradient


def draw_descent(x, y, learn_rate, steps, start=(-0.5, 1.5), ax=None, window=((-1.0, 5.0), (-3.0, 3.0))):
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.subplots(figsize=(5.5, 4))[1]
    weights, biases = np.linspace(*window[0], 121), np.linspace(*window[1], 121)
    surface = log_loss_surface(x, y, weights, biases)
    contours = ax.contour(weights, biases, surface, levels=15, cmap="viridis", linewidths=1)
    ax.figure.colorbar(contours, ax=ax, label="mean log-loss E(w, b)")
    path = gradient_descent_path(_one_feature_gradient(x, y), start, learn_rate, steps)
    ax.plot(path[:, 0], path[:, 1], "o-", color=plotting.RED, markersize=3, label=f"{int(steps)} steps")
    ax.plot(*path[0], "s", color="black", label="start")
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("bias $b$")
    ax.set_title(f"learning rate {learn_rate:g}")
    ax.legend(loc="upper right")
    return ax


def descent_explorer(x, y, learn_rate=3.0, steps=10):
    import ipywidgets as widgets

    controls = {"learn_rate": widgets.FloatLogSlider(value=learn_rate, base=10, min=-1, max=1.3, step=0.05,
                                                     description="rate", continuous_update=False),
                "steps": widgets.IntSlider(value=steps, min=1, max=50, description="steps", continuous_update=False)}
    return _explorer(controls, lambda learn_rate, steps: draw_descent(x, y, learn_rate, steps),
                     "learning rate and steps on the loss contour")


# ---- hidden units on the curved data (lesson 08)

def draw_network_boundary(X, y, probability, hidden_units, ax=None):
    import matplotlib.pyplot as plt

    ax = ax if ax is not None else plt.subplots()[1]
    plotting.plot_points(X, y, ax=ax, labels=("red (0)", "blue (1)"), size=15, legend="lower left")
    plotting.plot_model_boundary(probability, ax=ax, colorbar_label="P(blue)")
    accuracy = float(np.mean((probability(np.asarray(X, dtype=float)) >= 0.5) == (np.asarray(y) == 1)))
    ax.set_title(f"{hidden_units} hidden unit{'s' if hidden_units != 1 else ''}: {accuracy:.0%} right")
    return ax


def hidden_units_explorer(X, y, train, hidden_units=4, most=8):
    """A slider for the number of hidden units. ``train(hidden_units)`` is the lesson's own training,
    returning the trained network's probability function."""
    import ipywidgets as widgets

    slider = widgets.IntSlider(value=hidden_units, min=1, max=most, description="hidden", continuous_update=False)
    return _explorer({"hidden_units": slider},
                     lambda hidden_units: draw_network_boundary(X, y, train(hidden_units), hidden_units),
                     "a slider for the number of hidden units (move it to train a network)")
