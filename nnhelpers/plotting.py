"""Figures for the course, in one consistent style.

Colours are from the Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness; the two classes also differ in marker shape (circle vs square), so a figure
still reads in greyscale. Class 1 ("blue", accepted) and class 0 ("red", rejected) follow the
lecture's convention.
"""

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from PIL import Image

__all__ = [
    "BLUE", "RED", "GREY", "CLASS_STYLE", "use_course_style", "plot_points", "plot_line",
    "plot_model_boundary", "plot_boundary_history", "plot_error_curve", "draw_network", "draw_flow_graph",
    "plot_positive_side",
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
PROBABILITY_LEVELS = np.linspace(0, 1, 11)


def use_course_style():
    """Set the course's matplotlib style (small, readable figures that store well in a notebook).

    In a Jupyter kernel, figures are then shown as sharp "retina" PNGs (see ``retina_png``).
    """
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
    _show_figures_as_retina_png()


def retina_png(figure):
    """A figure as PNG bytes drawn at twice its resolution, with the size to show it at (half the pixels).

    High-density screens then show sharp text and lines. To keep the stored lessons small, the
    image is reduced to a palette of 256 colours (a course figure has a few flat colours plus their
    anti-aliased edges), which makes it about three times smaller than a full-colour PNG. PNG rather
    than SVG: an SVG is text, which nbval would compare, and its coordinates differ in their last
    digits between machines; nbval leaves PNGs alone.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=2 * figure.dpi, bbox_inches="tight", facecolor="white")
    image = Image.open(buffer).convert("RGB").quantize(256, dither=Image.Dither.NONE)
    small = io.BytesIO()
    image.save(small, format="png", optimize=True)
    return small.getvalue(), {"width": image.width // 2, "height": image.height // 2}


def _show_figures_as_retina_png():
    try:
        from IPython import get_ipython
    except ImportError:  # plotting outside IPython: nothing to configure
        return
    shell = get_ipython()
    backend = matplotlib.get_backend()
    if shell is None or "inline" not in backend:
        return
    # Load the inline backend now: loading it (lazily, at the first figure) installs its own PNG
    # formatter, which would replace ours.
    plt.switch_backend(backend)
    formatters = shell.display_formatter.formatters
    for mime in ("image/png", "image/svg+xml", "image/jpeg", "application/pdf"):
        formatters[mime].pop(Figure, None)
    formatters["image/png"].for_type(Figure, retina_png)


def _axes(ax):
    return ax if ax is not None else plt.subplots()[1]


def _points_and_labels(X, y, caller):
    """``X`` as floats of shape (n, 2) and ``y`` with one label per row, or a ValueError naming ``caller``."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{caller} needs X of shape (n, 2), one row per point; got shape {X.shape}.")
    if y.shape != (len(X),):
        raise ValueError(f"{caller} needs one label per point: X has {len(X)} rows but y has shape {y.shape}.")
    return X, y


def _scatter_by_label(ax, X, y, names, style_of, axis_labels, title, size, legend):
    """One scatter per label 0 .. len(names)-1, in that label's style, then the axes' labels and legend."""
    for label, name in enumerate(names):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=size, label=name, edgecolors="white", linewidths=0.5, zorder=3,
                   **style_of(label))
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc=legend)
    return ax


def plot_points(X, y, ax=None, labels=("class 0", "class 1"), axis_labels=("$x_1$", "$x_2$"), title=None, size=30,
                legend="best"):
    """Scatter two classes: ``X`` of shape (n, 2), ``y`` of 0/1 labels. Returns the axes.

    ``legend`` is a matplotlib legend location (``"upper left"``, ...) or None for no legend.
    """
    ax = _axes(ax)
    X, y = _points_and_labels(X, y, "plot_points")
    return _scatter_by_label(ax, X, y, labels[:2], lambda label: CLASS_STYLE[label], axis_labels, title, size, legend)


def plot_line(W, b, ax=None, label=None, legend="best", show_side=False, **style):
    """Draw the line ``W[0] * x1 + W[1] * x2 + b = 0`` across the axes' current x (or y) range.

    A labelled line updates the legend at ``legend`` (a location, or None to leave it alone).
    ``show_side`` adds an arrow from the line towards its positive side (score >= 0, class 1).
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
    if show_side:
        plot_positive_side(W, b, ax=ax, color=style["color"])
    if label and legend:
        ax.legend(loc=legend)
    return ax


def plot_positive_side(W, b, ax=None, color="black", length=0.12):
    """An arrow from the middle of the visible part of the line ``W . x + b = 0`` along ``W``, towards the
    side where the score is positive (predicted class 1), with a "+" at its tip. ``length`` is a fraction
    of the axes' width. Returns the annotation, or None when the line misses the axes."""
    ax = _axes(ax)
    w = np.array([float(v) for v in np.ravel(W)[:2]])
    if not np.any(w):  # W = 0 scores every point the same: no line, no side
        return None
    x_low, x_high = ax.get_xlim()
    y_low, y_high = ax.get_ylim()
    # The point of the line closest to the middle of the axes, then a step along W (the direction in which
    # the score grows fastest), scaled to the axes so the arrow looks the same at any zoom.
    middle = np.array([(x_low + x_high) / 2, (y_low + y_high) / 2])
    on_line = middle - (w @ middle + float(b)) / (w @ w) * w
    if not (x_low <= on_line[0] <= x_high and y_low <= on_line[1] <= y_high):
        return None
    span = np.array([x_high - x_low, y_high - y_low])
    direction = w * span ** 2  # W is a normal in data units; stretch it into axes units
    direction = direction / np.linalg.norm(direction / span) * length
    tip = on_line + direction
    return ax.annotate("+", xy=on_line, xytext=tip, color=color, fontsize=12, fontweight="bold",
                       ha="center", va="center", zorder=5,
                       arrowprops={"arrowstyle": "<-", "color": color, "linewidth": 1.5, "shrinkA": 6, "shrinkB": 0})


def _grid(ax, resolution):
    x_low, x_high = ax.get_xlim()
    y_low, y_high = ax.get_ylim()
    xs, ys = np.meshgrid(np.linspace(x_low, x_high, resolution), np.linspace(y_low, y_high, resolution))
    return xs, ys, np.column_stack([xs.ravel(), ys.ravel()])


def plot_model_boundary(probability, ax=None, resolution=150, threshold=0.5, shade=True,
                        colorbar_label="P(class 1)", **style):
    """Shade where a model says class 1 is likely and draw its boundary (probability = threshold).

    ``probability`` maps an (m, 2) array of points to m probabilities of class 1: any model,
    linear or not. Set the axes limits (or plot the points) first; the grid covers them.
    The shading gets a colour bar labelled ``colorbar_label`` (None for no colour bar, e.g. when
    several panels share one: see ``probability_colorbar``).
    """
    ax = _axes(ax)
    xs, ys, points = _grid(ax, resolution)
    p = np.asarray(probability(points), dtype=float).reshape(xs.shape)
    if shade:
        shading = ax.contourf(xs, ys, p, levels=PROBABILITY_LEVELS, cmap=PROBABILITY_MAP, zorder=0, alpha=0.9)
        if colorbar_label:
            probability_colorbar(shading, ax, colorbar_label)
    if p.min() < threshold < p.max():
        ax.contour(xs, ys, p, levels=[threshold], colors=style.get("color", "black"),
                   linewidths=style.get("linewidth", 2), zorder=2)
    return ax


def probability_colorbar(mappable, ax, label="P(class 1)"):
    """A colour bar from 0 to 1 beside ``ax``, or beside all of a list of axes sharing one shading."""
    several = isinstance(ax, (list, tuple, np.ndarray))
    figure = np.ravel(ax)[0].figure if several else ax.figure
    bar = figure.colorbar(mappable, ax=list(np.ravel(ax)) if several else ax, ticks=[0, 0.25, 0.5, 0.75, 1],
                          fraction=0.05, pad=0.03)
    bar.set_label(label)
    bar.outline.set_visible(False)
    return bar


def plot_boundary_history(history, ax=None, every=1, final_label="final boundary", legend="best",
                          start_label="start", show_sides=True):
    """Draw the lines of a list of ``(W, b)`` snapshots, from light (early) to dark (late).

    The first snapshot is the start line (dotted, orange, labelled ``start_label``), the last one the
    final line (solid green, labelled ``final_label``); ``every`` keeps one snapshot in ``every`` in
    between, in shades of grey. ``show_sides`` marks the positive side (class 1) of the start and
    final lines with an arrow.
    """
    ax = _axes(ax)
    if len(history) == 0:
        raise ValueError("plot_boundary_history needs at least one (W, b) snapshot.")
    between = list(range(every, len(history) - 1, every))
    for rank, index in enumerate(between):
        shade = 0.8 - 0.5 * rank / max(len(between), 1)
        W, b = history[index]
        plot_line(W, b, ax=ax, color=str(round(shade, 3)), linewidth=1, linestyle="--")
    if len(history) > 1:
        W, b = history[0]
        plot_line(W, b, ax=ax, label=start_label, legend=None, color=ORANGE, linewidth=2, linestyle=":",
                  show_side=show_sides)
    W, b = history[-1]
    plot_line(W, b, ax=ax, label=final_label, legend=legend, color=GREEN, linewidth=2.5, show_side=show_sides)
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


def _edge_style(w, largest):
    """Width from the size of a weight (0.6 to 4 points, the largest weight drawn 4), colour from its sign."""
    return 0.6 + 3.4 * min(abs(w) / largest, 1.0), (BLUE if w >= 0 else RED)


def draw_network(layer_sizes, ax=None, layer_names=None, weights=None, node_labels=None, show_bias=False,
                 biases=None, edge_labels=False):
    """Draw a fully connected network: one column of nodes per layer, an edge per weight.

    ``weights``, when given, is a list of arrays (one per pair of consecutive layers, shape
    (size_in, size_out)); an edge's width then follows the size of its weight and its colour
    the sign (blue positive, red negative). ``node_labels`` is a list (per layer) of lists of
    strings. ``show_bias`` (implied by ``biases``) adds a bias node "1" under each layer but the
    last, with a dashed edge to every node of the next layer. ``biases`` is a list of arrays (one
    per layer after the first, shape (size_out,)), drawn like weights but on their own scale,
    since a bias is often much larger than the weights (a width comparison across the two would
    hide the weights). ``edge_labels`` writes each weight and bias on its edge.
    """
    ax = _axes(ax)
    layer_sizes = [int(s) for s in layer_sizes]
    show_bias = show_bias or biases is not None
    tallest = max(layer_sizes) + (1 if show_bias else 0)
    positions = []
    for column, size in enumerate(layer_sizes):
        total = size + (1 if show_bias and column < len(layer_sizes) - 1 else 0)
        top = (tallest - 1) / 2 + (total - 1) / 2
        positions.append([(column, top - row) for row in range(total)])
    largest_weight = max((float(np.max(np.abs(w))) for w in weights), default=1.0) if weights else 1.0
    largest_bias = max((float(np.max(np.abs(b))) for b in biases), default=1.0) if biases else 1.0
    label_box = {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    for column in range(len(layer_sizes) - 1):
        for i, start in enumerate(positions[column]):
            is_bias = i >= layer_sizes[column]
            for j, end in enumerate(positions[column + 1][: layer_sizes[column + 1]]):
                value = None
                if is_bias and biases is not None:
                    value = float(np.ravel(biases[column])[j])
                    width, color = _edge_style(value, largest_bias or 1.0)
                elif not is_bias and weights is not None:
                    value = float(np.asarray(weights[column])[i, j])
                    width, color = _edge_style(value, largest_weight or 1.0)
                else:
                    width, color = 1.2, GREY
                ax.plot([start[0], end[0]], [start[1], end[1]], color=color, linewidth=width,
                        linestyle="--" if is_bias else "-", zorder=1, gid="bias edge" if is_bias else "weight edge")
                if edge_labels and value is not None:
                    where = 0.3 if len(positions[column + 1]) > 1 else 0.45
                    x = start[0] + where * (end[0] - start[0])
                    y = start[1] + where * (end[1] - start[1])
                    ax.text(x, y, f"{value:g}", ha="center", va="center", fontsize=8, color=color, zorder=4,
                            bbox=label_box)
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
    X, y = _points_and_labels(X, y, "plot_classes")
    return _scatter_by_label(ax, X, y, class_names, _class_style, axis_labels, title, size, legend)


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


def _box_edge_points(ax, start_box, end_box, offset):
    """Where the segment between two text boxes' centres (shifted by ``offset`` points, sideways) leaves
    the first box and enters the second, in data coordinates. Needs the boxes drawn once."""
    renderer = ax.figure.canvas.get_renderer()
    extents = [box.get_bbox_patch().get_window_extent(renderer) for box in (start_box, end_box)]
    centres = [np.array([(e.x0 + e.x1) / 2, (e.y0 + e.y1) / 2]) for e in extents]
    direction = centres[1] - centres[0]
    length = np.linalg.norm(direction)
    sideways = np.array([-direction[1], direction[0]]) / length * offset * ax.figure.dpi / 72
    points = []
    for centre, extent, sign in [(centres[0], extents[0], 1), (centres[1], extents[1], -1)]:
        half = np.array([extent.width / 2, extent.height / 2]) + 3  # a small gap before the box
        reach = min(half[k] / abs(direction[k]) if direction[k] else np.inf for k in (0, 1))
        points.append(centre + sign * reach * direction + sideways)
    return ax.transData.inverted().transform(np.array(points))


def draw_flow_graph(nodes, edges, ax=None, title=None):
    """Draw a small graph of named boxes joined by labelled arrows: a computation graph, or values and
    error terms flowing through a network.

    ``nodes`` maps a name to ``(x, y, text)``; ``edges`` is a list of ``(start, end, label, kind)``,
    where ``kind`` is "forward" (black arrow, label on its left) or "backward" (red arrow, label on its
    left as it runs back). Forward and backward arrows between the same boxes run side by side.
    Returns the axes; each arrow's ``gid`` is its kind, each label's ``gid`` "<kind> label".
    """
    ax = _axes(ax)
    colours = {"forward": "black", "backward": RED}
    for start, end, _, kind in edges:
        if kind not in colours:
            raise ValueError(f"draw_flow_graph: an edge's kind is 'forward' or 'backward', not {kind!r}.")
        if start not in nodes or end not in nodes:
            raise ValueError(f"draw_flow_graph: the edge {start!r} -> {end!r} names a node not in nodes.")
    xs = [x for x, _, _ in nodes.values()]
    ys = [y for _, y, _ in nodes.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    box = {"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": "black", "linewidth": 1.2}
    boxes = {name: ax.text(x, y, text, ha="center", va="center", fontsize=11, bbox=box, zorder=3, gid=f"node {name}")
             for name, (x, y, text) in nodes.items()}
    ax.figure.canvas.draw()  # lays the boxes out, so that arrows can stop at their edges
    for start, end, label, kind in edges:
        # The forward arrow runs on the left of the line from start to end, the backward one (drawn from end
        # to start) on its own left: the two sit side by side.
        (x0, y0), (x1, y1) = _box_edge_points(ax, boxes[start], boxes[end], offset=3)
        arrow = ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=2,
                            arrowprops={"arrowstyle": "-|>", "color": colours[kind], "linewidth": 1.6,
                                        "shrinkA": 0, "shrinkB": 0, "mutation_scale": 14})
        arrow.set_gid(kind)
        if label:
            # The label sits on the arrow's own side (its left), clear of the arrow running the other way.
            (dx, dy) = np.diff(ax.transData.transform([(x0, y0), (x1, y1)]), axis=0)[0]
            normal = np.array([-dy, dx]) / np.hypot(dx, dy)
            ha = "left" if normal[0] > 0.3 else "right" if normal[0] < -0.3 else "center"
            va = "bottom" if normal[1] > 0.3 else "top" if normal[1] < -0.3 else "center"
            ax.annotate(label, xy=((x0 + x1) / 2, (y0 + y1) / 2), xytext=tuple(6 * normal),
                        textcoords="offset points", ha=ha, va=va, fontsize=9, color=colours[kind], zorder=4,
                        gid=f"{kind} label",
                        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    return ax
