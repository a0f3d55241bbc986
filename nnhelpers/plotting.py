"""Figures for the course, in one consistent style.

Colours are from the Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness; the two classes also differ in marker shape (circle vs square), so a figure
still reads in greyscale. Class 1 ("blue", accepted) and class 0 ("red", rejected) follow the
lecture's convention.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

__all__ = [
    "BLUE", "RED", "GREY", "CLASS_STYLE", "use_course_style", "plot_points", "plot_line",
    "plot_model_boundary", "plot_boundary_history", "plot_error_curve", "draw_network",
]

BLUE = "#0072B2"
RED = "#D55E00"
GREY = "#7F7F7F"
GREEN = "#009E73"
ORANGE = "#E69F00"
PURPLE = "#CC79A7"
CLASS_STYLE = {
    1: {"color": BLUE, "marker": "o"},
    0: {"color": RED, "marker": "s"},
}
# Shading of probability regions: red where class 1 is unlikely, blue where it is likely.
PROBABILITY_MAP = LinearSegmentedColormap.from_list("course_probability", ["#F6C8A8", "#FFFFFF", "#A6CCE6"])


def use_course_style():
    """Set the course's matplotlib style (small, readable figures that store well in a notebook)."""
    plt.rcParams.update({
        "figure.figsize": (5.0, 4.0),
        "figure.dpi": 80,
        "savefig.dpi": 80,
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "legend.frameon": False,
        "axes.prop_cycle": plt.cycler(color=[BLUE, RED, GREEN, ORANGE, PURPLE, GREY]),
        "image.cmap": "viridis",
    })


def _axes(ax):
    return ax if ax is not None else plt.subplots()[1]


def plot_points(X, y, ax=None, labels=("class 0", "class 1"), axis_labels=("$x_1$", "$x_2$"), title=None, size=30,
                legend="best"):
    """Scatter two classes: ``X`` of shape (n, 2), ``y`` of 0/1 labels. Returns the axes.

    ``legend`` is a matplotlib legend location (``"upper left"``, ...) or None for no legend.
    """
    ax = _axes(ax)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_points needs X of shape (n, 2), one row per point; got shape {X.shape}.")
    if y.shape != (len(X),):
        raise ValueError(f"plot_points needs one label per point: X has {len(X)} rows but y has shape {y.shape}.")
    for label in (0, 1):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=size, label=labels[label], edgecolors="white", linewidths=0.5,
                   zorder=3, **CLASS_STYLE[label])
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc=legend)
    return ax


def plot_line(W, b, ax=None, label=None, legend="best", **style):
    """Draw the line ``W[0] * x1 + W[1] * x2 + b = 0`` across the axes' current x (or y) range.

    A labelled line updates the legend at ``legend`` (a location, or None to leave it alone).
    """
    ax = _axes(ax)
    w1, w2 = (float(w) for w in np.ravel(W)[:2])
    b = float(b)
    x_low, x_high = ax.get_xlim()
    y_low, y_high = ax.get_ylim()
    style = {"color": "black", "linewidth": 2, **style}
    if abs(w2) > 1e-12 * max(abs(w1), 1.0):
        xs = np.array([x_low, x_high])
        ax.plot(xs, -(w1 * xs + b) / w2, label=label, **style)
    elif abs(w1) > 0:
        ax.plot([-b / w1] * 2, [y_low, y_high], label=label, **style)
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    if label and legend:
        ax.legend(loc=legend)
    return ax


def _grid(ax, resolution):
    x_low, x_high = ax.get_xlim()
    y_low, y_high = ax.get_ylim()
    xs, ys = np.meshgrid(np.linspace(x_low, x_high, resolution), np.linspace(y_low, y_high, resolution))
    return xs, ys, np.column_stack([xs.ravel(), ys.ravel()])


def plot_model_boundary(probability, ax=None, resolution=150, threshold=0.5, shade=True, **style):
    """Shade where a model says class 1 is likely and draw its boundary (probability = threshold).

    ``probability`` maps an (m, 2) array of points to m probabilities of class 1: any model,
    linear or not. Set the axes limits (or plot the points) first; the grid covers them.
    """
    ax = _axes(ax)
    xs, ys, points = _grid(ax, resolution)
    p = np.asarray(probability(points), dtype=float).reshape(xs.shape)
    if shade:
        ax.contourf(xs, ys, p, levels=np.linspace(0, 1, 11), cmap=PROBABILITY_MAP, zorder=0, alpha=0.9)
    if p.min() < threshold < p.max():
        ax.contour(xs, ys, p, levels=[threshold], colors=style.get("color", "black"),
                   linewidths=style.get("linewidth", 2), zorder=2)
    return ax


def plot_boundary_history(history, ax=None, every=1, final_label="final boundary", legend="best"):
    """Draw the lines of a list of ``(W, b)`` snapshots, from light (early) to dark (late).

    ``every`` keeps one snapshot in ``every``; the last one is always drawn, solid and labelled.
    """
    ax = _axes(ax)
    if len(history) == 0:
        raise ValueError("plot_boundary_history needs at least one (W, b) snapshot.")
    shown = list(range(0, len(history) - 1, every))
    for rank, index in enumerate(shown):
        shade = 0.85 - 0.6 * rank / max(len(shown), 1)
        W, b = history[index]
        plot_line(W, b, ax=ax, color=str(round(shade, 3)), linewidth=1, linestyle="--")
    W, b = history[-1]
    plot_line(W, b, ax=ax, label=final_label, legend=legend, color=GREEN, linewidth=2.5)
    return ax


def plot_error_curve(losses, ax=None, label=None, ylabel="error", xlabel="epoch", log_scale=False):
    """Plot one error curve (a sequence) or several (a dict of label to sequence)."""
    ax = _axes(ax)
    curves = losses if isinstance(losses, dict) else {label: losses}
    for name, values in curves.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if log_scale:
        ax.set_yscale("log")
    if any(name for name in curves):
        ax.legend(loc="best")
    return ax


def draw_network(layer_sizes, ax=None, layer_names=None, weights=None, node_labels=None, show_bias=False):
    """Draw a fully connected network: one column of nodes per layer, an edge per weight.

    ``weights``, when given, is a list of arrays (one per pair of consecutive layers, shape
    (size_in, size_out)); an edge's width then follows the size of its weight and its colour
    the sign (blue positive, red negative). ``node_labels`` is a list (per layer) of lists of
    strings. ``show_bias`` adds a bias node "1" under each layer but the last.
    """
    ax = _axes(ax)
    layer_sizes = [int(s) for s in layer_sizes]
    tallest = max(layer_sizes) + (1 if show_bias else 0)
    positions = []
    for column, size in enumerate(layer_sizes):
        total = size + (1 if show_bias and column < len(layer_sizes) - 1 else 0)
        top = (tallest - 1) / 2 + (total - 1) / 2
        positions.append([(column, top - row) for row in range(total)])
    largest = max((np.max(np.abs(w)) for w in weights), default=1.0) if weights else 1.0
    for column in range(len(layer_sizes) - 1):
        for i, start in enumerate(positions[column]):
            for j, end in enumerate(positions[column + 1][: layer_sizes[column + 1]]):
                is_bias = i >= layer_sizes[column]
                if weights is not None and not is_bias:
                    w = float(np.asarray(weights[column])[i, j])
                    width, color = 0.5 + 3.5 * abs(w) / largest, (BLUE if w >= 0 else RED)
                else:
                    width, color = 1.0, GREY
                ax.plot([start[0], end[0]], [start[1], end[1]], color=color, linewidth=width,
                        linestyle=":" if is_bias else "-", zorder=1)
    for column, nodes in enumerate(positions):
        for row, (x, y) in enumerate(nodes):
            is_bias = row >= layer_sizes[column]
            ax.scatter([x], [y], s=900, color="white", edgecolors=GREY if is_bias else "black", zorder=2, linewidths=1.5)
            text = "1" if is_bias else (node_labels[column][row] if node_labels else "")
            ax.text(x, y, text, ha="center", va="center", zorder=3, fontsize=9)
    if layer_names:
        for column, name in enumerate(layer_names):
            ax.text(column, tallest - 0.2, name, ha="center", fontsize=10)
    ax.set_xlim(-0.5, len(layer_sizes) - 0.5)
    ax.set_ylim(-1, tallest + 0.5)
    ax.set_axis_off()
    return ax


# --- More than two classes (lesson 10) ------------------------------------------------------

# One colour and one marker shape per class, so that a figure still reads in greyscale.
MULTICLASS_STYLE = [
    {"color": BLUE, "marker": "o"},
    {"color": RED, "marker": "s"},
    {"color": GREEN, "marker": "^"},
    {"color": ORANGE, "marker": "D"},
    {"color": PURPLE, "marker": "v"},
]
__all__ += ["MULTICLASS_STYLE", "plot_classes", "plot_class_regions", "plot_confusion_matrix"]


def _class_style(label):
    if not 0 <= label < len(MULTICLASS_STYLE):
        raise ValueError(f"the multi-class plots draw at most {len(MULTICLASS_STYLE)} classes (labels 0 to "
                         f"{len(MULTICLASS_STYLE) - 1}); got the label {label}.")
    return MULTICLASS_STYLE[label]


def plot_classes(X, y, class_names, ax=None, axis_labels=("$x_1$", "$x_2$"), title=None, size=30, legend="best"):
    """Scatter points of several classes: ``X`` of shape (n, 2), ``y`` integer labels 0 .. k-1,
    ``class_names`` one name per class (their number is k). Returns the axes."""
    ax = _axes(ax)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_classes needs X of shape (n, 2), one row per point; got shape {X.shape}.")
    if y.shape != (len(X),):
        raise ValueError(f"plot_classes needs one label per point: X has {len(X)} rows but y has shape {y.shape}.")
    for label, name in enumerate(class_names):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=size, label=name, edgecolors="white", linewidths=0.5, zorder=3,
                   **_class_style(label))
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc=legend)
    return ax


def plot_class_regions(predict, num_classes, ax=None, resolution=200, alpha=0.25):
    """Shade the region where a model predicts each class and draw the borders between them.

    ``predict`` maps an (m, 2) array of points to m integer labels in 0 .. num_classes-1 (any
    model). Set the axes limits (or plot the points) first; the grid covers them.
    """
    from matplotlib.colors import ListedColormap

    ax = _axes(ax)
    xs, ys, points = _grid(ax, resolution)
    labels = np.asarray(predict(points)).reshape(xs.shape)
    colours = ListedColormap([_class_style(k)["color"] for k in range(num_classes)])
    levels = np.arange(num_classes + 1) - 0.5
    ax.contourf(xs, ys, labels, levels=levels, cmap=colours, alpha=alpha, zorder=0)
    ax.contour(xs, ys, labels, levels=levels[1:-1], colors="black", linewidths=1, zorder=2)
    return ax


def plot_confusion_matrix(y_true, y_pred, class_names, ax=None, title=None):
    """Draw the table of counts: row = the true class, column = the predicted class.

    The diagonal holds the correctly classified points. Returns the axes; the counts are in
    ``ax.confusion`` (an integer array of shape (k, k)) for printing.
    """
    ax = _axes(ax)
    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"plot_confusion_matrix needs as many predictions as labels: {y_true.shape} and {y_pred.shape}.")
    k = len(class_names)
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    ax.imshow(counts, cmap="Blues", vmin=0)
    for i in range(k):
        for j in range(k):
            ax.text(j, i, str(counts[i, j]), ha="center", va="center",
                    color="white" if counts[i, j] > counts.max() / 2 else "black", fontsize=12)
    ax.set_xticks(range(k), class_names)
    ax.set_yticks(range(k), class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.grid(False)
    if title:
        ax.set_title(title)
    ax.confusion = counts
    return ax
