"""The figures draw what they say (checked on the artists, not by eye)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

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


def test_boundary_history_draws_each_kept_snapshot_and_the_final_one():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    history = [(np.array([1.0, 1.0]), -0.1 * k) for k in range(10)]
    plotting.plot_boundary_history(history, ax=ax, every=3)
    assert len(ax.lines) == 3 + 1 + 0  # snapshots 0, 3, 6, then the final one
    with pytest.raises(ValueError):
        plotting.plot_boundary_history([], ax=ax)


def test_error_curves_start_at_epoch_one():
    ax = plotting.plot_error_curve({"train": [3, 2, 1], "test": [4, 3, 2]})
    assert [line.get_xdata().tolist() for line in ax.lines] == [[1, 2, 3], [1, 2, 3]]


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
