"""The figures draw what they say (checked on the artists, not by eye)."""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from nnhelpers import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_points_use_two_colours_and_two_markers():
    X = np.array([[0.1, 0.2], [0.8, 0.9], [0.5, 0.4]])
    ax = plotting.plot_points(X, np.array([0, 1, 1]))
    assert len(ax.collections) == 2
    offsets = [c.get_offsets().data.tolist() for c in ax.collections]
    assert offsets == [[[0.1, 0.2]], [[0.8, 0.9], [0.5, 0.4]]]
    square, circle = (len(c.get_paths()[0].vertices) for c in ax.collections)
    assert square != circle, "the classes must differ in marker shape, not only in colour"


def test_points_reject_wrong_shapes_with_a_clear_message():
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        plotting.plot_points(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="one label per point"):
        plotting.plot_points(np.zeros((3, 2)), np.zeros(2))


def test_line_lies_on_the_equation():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    plotting.plot_line([2, 1], -18, ax=ax)
    xs, ys = ax.lines[0].get_data()
    assert np.allclose(2 * np.asarray(xs) + np.asarray(ys) - 18, 0)
    assert ax.get_xlim() == (0, 10)


def test_vertical_line():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    plotting.plot_line([1, 0], -0.5, ax=ax)
    xs, _ = ax.lines[0].get_data()
    assert np.allclose(xs, 0.5)


def test_model_boundary_draws_the_half_probability_contour():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    plotting.plot_model_boundary(lambda p: 1 / (1 + np.exp(-20 * (p[:, 0] - 0.3))), ax=ax)
    contour = ax.collections[-1]
    vertices = np.concatenate([path.vertices for path in contour.get_paths()])
    assert np.allclose(vertices[:, 0], 0.3, atol=0.01)


def test_boundary_history_draws_the_start_each_kept_snapshot_and_the_final_one():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    history = [(np.array([1.0, 1.0]), -0.1 * k) for k in range(10)]
    plotting.plot_boundary_history(history, ax=ax, every=3, start_label="start", final_label="end")
    assert len(ax.lines) == 2 + 1 + 1  # snapshots 3 and 6, the start, the final one
    start, final = ax.lines[-2], ax.lines[-1]
    assert (start.get_label(), start.get_color(), start.get_linestyle()) == ("start", plotting.ORANGE, ":")
    assert (final.get_label(), final.get_color(), final.get_linestyle()) == ("end", plotting.GREEN, "-")
    xs, ys = start.get_data()
    assert np.allclose(np.asarray(xs) + np.asarray(ys), 0.0)  # history[0]: x1 + x2 + 0 = 0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["start", "end"]
    with pytest.raises(ValueError):
        plotting.plot_boundary_history([], ax=ax)


def _side_marks(ax):
    return [a for a in ax.texts if a.get_text() == "+"]


@pytest.mark.parametrize("W, b", [([1.0, 2.0], -1.5), ([-1.0, -2.0], 1.5), ([0.0, 3.0], -1.0), ([-2.0, 0.1], 1.0)])
def test_the_side_mark_points_to_the_positive_side(W, b):
    fig, ax = plt.subplots()
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 1)
    mark = plotting.plot_positive_side(W, b, ax=ax)
    tip, foot = np.array(mark.xyann), np.array(mark.xy)  # the "+" and where the arrow leaves the line
    assert np.dot(W, foot) + b == pytest.approx(0.0, abs=1e-9)
    assert np.dot(W, tip) + b > 0


def test_no_side_mark_without_a_line_or_off_the_axes():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    assert plotting.plot_positive_side([0.0, 0.0], 1.0, ax=ax) is None
    assert plotting.plot_positive_side([1.0, 0.0], -5.0, ax=ax) is None  # the line x1 = 5
    plotting.plot_boundary_history([(np.array([1.0, 1.0]), -1.0)] * 3, ax=ax, show_sides=False)
    assert _side_marks(ax) == []
    plotting.plot_boundary_history([(np.array([1.0, 1.0]), -1.0)] * 3, ax=ax)
    assert len(_side_marks(ax)) == 2 and {m.get_color() for m in _side_marks(ax)} == {plotting.ORANGE, plotting.GREEN}


def test_error_curves_start_at_epoch_one():
    ax = plotting.plot_error_curve({"train": [3, 2, 1], "test": [4, 3, 2]})
    assert [line.get_xdata().tolist() for line in ax.lines] == [[1, 2, 3], [1, 2, 3]]


def test_every_probability_map_has_a_colour_bar_from_0_to_1():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    plotting.plot_model_boundary(lambda p: p[:, 0], ax=ax, colorbar_label="P(blue)")
    bar_axes = [a for a in fig.axes if a is not ax]
    assert len(bar_axes) == 1 and bar_axes[0].get_ylabel() == "P(blue)"
    assert bar_axes[0].get_ylim() == (0.0, 1.0)
    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    plotting.plot_model_boundary(lambda p: p[:, 0], ax=ax, colorbar_label=None)
    assert fig.axes == [ax], "panels that share one colour bar can leave theirs out"


def _edges(ax, kind):
    return [line for line in ax.lines if line.get_gid() == kind]


def test_lesson_01_perceptron_shows_w1_heavier_than_w2_and_its_bias():
    ax = plotting.draw_network([2, 1], weights=[np.array([[2.0], [1.0]])], biases=[np.array([-18.0])],
                               edge_labels=True)
    test_edge, grades_edge = _edges(ax, "weight edge")
    assert test_edge.get_linewidth() > 1.5 * grades_edge.get_linewidth()
    (bias_edge,) = _edges(ax, "bias edge")
    assert bias_edge.get_linestyle() == "--" and bias_edge.get_color() == plotting.RED
    assert bias_edge.get_linewidth() == pytest.approx(4.0), "the bias is drawn on its own scale"
    assert {t.get_text() for t in ax.texts} >= {"2", "1", "-18"}


def test_network_diagram_draws_a_bias_edge_to_every_node_of_the_next_layer():
    ax = plotting.draw_network([2, 3, 1], show_bias=True)
    assert len(_edges(ax, "weight edge")) == 2 * 3 + 3 * 1
    assert len(_edges(ax, "bias edge")) == 3 + 1
    ax = plotting.draw_network([2, 2, 1], biases=[np.array([-7.0, 5.0]), np.array([-9.0])])
    colours = [line.get_color() for line in _edges(ax, "bias edge")]
    assert colours == [plotting.RED, plotting.BLUE, plotting.RED]


def test_flow_graph_draws_forward_values_in_black_and_error_terms_back_in_red():
    nodes = {"a": (0, 0, "$a$"), "b": (2, 0, "$b$"), "c": (4, 1, "$c$")}
    edges = [("a", "b", "", "forward"), ("b", "c", "value", "forward"),
             ("c", "b", "delta", "backward"), ("b", "a", "", "backward")]
    ax = plotting.draw_flow_graph(nodes, edges)
    arrows = [a for a in ax.texts if a.get_gid() in ("forward", "backward")]
    assert [a.get_gid() for a in arrows] == ["forward", "forward", "backward", "backward"]
    assert {a.arrow_patch.get_edgecolor()[:3] == matplotlib.colors.to_rgb(plotting.RED) for a in arrows[2:]} == {True}
    for arrow, (start, end, _, _) in zip(arrows, edges, strict=True):
        head, tail = np.array(arrow.xy), np.array(arrow.xyann)
        to_end = np.array(nodes[end][:2]) - np.array(nodes[start][:2])
        assert np.dot(head - tail, to_end) > 0, f"the arrow {start} -> {end} points the wrong way"
    labels = {t.get_text(): t.get_gid() for t in ax.texts if t.get_gid() and t.get_gid().endswith("label")}
    assert labels == {"value": "forward label", "delta": "backward label"}
    assert {t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("node")} == {"$a$", "$b$", "$c$"}


def test_flow_graph_rejects_unknown_kinds_and_nodes():
    with pytest.raises(ValueError, match="'forward' or 'backward'"):
        plotting.draw_flow_graph({"a": (0, 0, "a"), "b": (1, 0, "b")}, [("a", "b", "", "sideways")])
    with pytest.raises(ValueError, match="not in nodes"):
        plotting.draw_flow_graph({"a": (0, 0, "a")}, [("a", "z", "", "forward")])


def test_retina_png_has_twice_the_pixels_of_its_display_size_and_a_small_palette():
    fig, ax = plt.subplots(figsize=(5, 4), dpi=80)
    ax.plot([0, 1], [0, 1])
    data, size = plotting.retina_png(fig)
    image = Image.open(io.BytesIO(data))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and image.mode == "P"
    assert (image.width // 2, image.height // 2) == (size["width"], size["height"])
    assert 300 < size["width"] <= 400, "bbox_inches='tight' trims a 400-pixel-wide figure a little"


def test_network_diagram_has_a_node_per_unit_and_an_edge_per_weight():
    ax = plotting.draw_network([2, 3, 1])
    assert len(ax.collections) == 6  # one scatter per node
    assert len(ax.lines) == 2 * 3 + 3 * 1
    weighted = plotting.draw_network([2, 2], weights=[np.array([[1.0, -0.5], [0.1, 2.0]])])
    widths = sorted(line.get_linewidth() for line in weighted.lines)
    assert widths[-1] == pytest.approx(4.0) and widths[0] < widths[-1]


def test_course_style_sets_the_palette():
    plotting.use_course_style()
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][:2] == [plotting.BLUE, plotting.RED]


def test_legend_can_be_placed_or_left_out():
    X, y = np.array([[0.1, 0.2], [0.8, 0.9]]), np.array([0, 1])
    assert plotting.plot_points(X, y, legend=None).get_legend() is None
    ax = plotting.plot_points(X, y, legend="upper left")
    assert ax.get_legend()._loc == 2  # matplotlib's code for "upper left"
    fig, ax = plt.subplots()
    plotting.plot_line([1, 1], -1, ax=ax, label="a line", legend=None)
    assert ax.get_legend() is None


def test_classes_get_one_colour_and_marker_each():
    X = np.array([[0.1, 0.2], [0.8, 0.9], [0.5, 0.4], [0.3, 0.3]])
    ax = plotting.plot_classes(X, np.array([2, 0, 1, 2]), ["a", "b", "c"])
    assert [c.get_offsets().data.tolist() for c in ax.collections] == [[[0.8, 0.9]], [[0.5, 0.4]], [[0.1, 0.2], [0.3, 0.3]]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    assert len({len(c.get_paths()[0].vertices) for c in ax.collections}) == 3, "three marker shapes"
    with pytest.raises(ValueError, match="one label per point"):
        plotting.plot_classes(X, np.array([0, 1]), ["a", "b"])


def test_class_regions_follow_the_prediction():
    _, ax = plt.subplots()
    ax.set_xlim(0, 3)
    ax.set_ylim(0, 1)
    plotting.plot_class_regions(lambda P: np.floor(P[:, 0]).clip(0, 2).astype(int), 3, ax=ax, resolution=61)
    borders = ax.collections[-1]
    xs = sorted({round(float(x), 1) for path in borders.get_paths() for x, _ in path.vertices})
    assert xs == [1.0, 2.0], "the borders are the vertical lines where the predicted class changes"


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    ax = plotting.plot_confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0], ["a", "b", "c"])
    np.testing.assert_array_equal(ax.confusion, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(v) for v in ax.confusion.ravel())
