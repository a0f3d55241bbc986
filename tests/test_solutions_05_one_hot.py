"""The reference solutions of 05_one_hot against the contract: one_hot, one_hot_column.

References: scikit-learn's OneHotEncoder (labels to rows), pandas.get_dummies with dtype=int (a column to
columns), and the defining properties (shape, one 1 per row in the label's column, ValueError outside the range).
Everything here is integer-valued, so the comparisons are exact.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.preprocessing import OneHotEncoder
from solutions import load_solutions

sol = load_solutions("05_one_hot")


@st.composite
def labels_and_classes(draw, min_size=1):
    k = draw(st.integers(1, 12))
    labels = draw(st.lists(st.integers(0, k - 1), min_size=min_size, max_size=40))
    return np.array(labels, dtype=draw(st.sampled_from([np.int64, np.int32, np.int8]))), k


# --- one_hot ---------------------------------------------------------------------------------------

def test_one_hot_lesson_example():
    got = sol.one_hot(np.array([0, 2, 1, 0]), 3)
    assert got.dtype.kind in "iu"
    np.testing.assert_array_equal(got, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]])


@settings(max_examples=200, deadline=None)
@given(labels_and_classes())
def test_one_hot_has_one_1_per_row_in_the_label_column(case):
    labels, k = case
    before = labels.copy()
    got = sol.one_hot(labels, k)
    assert isinstance(got, np.ndarray) and got.shape == (len(labels), k)
    assert got.dtype.kind in "iu", "the reference returns integers (the contract allows any numbers 0/1)"
    assert set(np.unique(got).tolist()) <= {0, 1}
    np.testing.assert_array_equal(got.sum(axis=1), np.ones(len(labels)))
    np.testing.assert_array_equal(got.argmax(axis=1), labels)
    np.testing.assert_array_equal(labels, before)


@settings(max_examples=100, deadline=None)
@given(labels_and_classes())
def test_one_hot_matches_scikit_learn(case):
    labels, k = case
    # categories fixed to 0..k-1, so classes absent from the labels still get their (zero) column.
    encoder = OneHotEncoder(categories=[list(range(k))], sparse_output=False, dtype=int)
    expected = encoder.fit_transform(labels.reshape(-1, 1))
    np.testing.assert_array_equal(sol.one_hot(labels, k), expected)
    np.testing.assert_array_equal(sol.one_hot(labels.tolist(), k), expected)


def test_one_hot_gives_every_class_a_column():
    np.testing.assert_array_equal(sol.one_hot([1, 0, 1], 4), [[0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0]])
    np.testing.assert_array_equal(sol.one_hot(np.zeros(3, dtype=int), 1), [[1], [1], [1]])


@settings(max_examples=200, deadline=None)
@given(labels_and_classes(), st.integers(-50, 50), st.data())
def test_one_hot_rejects_any_label_outside_the_range(case, bad, data):
    labels, k = case
    assume(bad < 0 or bad >= k)
    position = data.draw(st.integers(0, len(labels)))
    with_bad = np.insert(labels.astype(np.int64), position, bad)
    with pytest.raises(ValueError):
        sol.one_hot(with_bad, k)


@pytest.mark.parametrize("labels, k", [([0, -1, 2], 3), ([0, 3, 1], 3), ([2, 0], 2), ([-3], 5), ([1, 7], 3)])
def test_one_hot_value_errors_of_the_notebook(labels, k):
    with pytest.raises(ValueError, match=r"\d"):  # the message names the range or the wrong labels
        sol.one_hot(np.array(labels), k)


# --- one_hot_column --------------------------------------------------------------------------------

def reference_one_hot_column(df, column):
    return pd.get_dummies(df, columns=[column], dtype=int)


SMALL_INTEGERS = st.integers(-20, 40)


@st.composite
def frames(draw, values=SMALL_INTEGERS):
    n = draw(st.integers(1, 25))
    column_values = draw(st.lists(values, min_size=n, max_size=n))
    position = draw(st.integers(0, 2))
    others = {"gre": draw(st.lists(st.integers(200, 800), min_size=n, max_size=n)),
              "gpa": draw(st.lists(st.floats(2.0, 4.0, allow_nan=False), min_size=n, max_size=n))}
    columns = list(others)
    columns.insert(position, "rank")
    data = {name: (column_values if name == "rank" else others[name]) for name in columns}
    index = draw(st.one_of(st.none(), st.lists(st.integers(-1000, 1000), min_size=n, max_size=n, unique=True)))
    return pd.DataFrame(data, index=index)


def check_against_reference(df, column):
    before = df.copy(deep=True)
    got = sol.one_hot_column(df, column)
    expected = reference_one_hot_column(df, column)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True)
    pd.testing.assert_frame_equal(df, before)  # df itself is unchanged
    assert got is not df
    values = sorted(set(df[column]))
    others = [c for c in df.columns if c != column]
    assert list(got.columns) == others + [f"{column}_{v}" for v in values]
    new = got[[f"{column}_{v}" for v in values]]
    assert all(dtype.kind == "i" for dtype in new.dtypes)
    np.testing.assert_array_equal(new.sum(axis=1), np.ones(len(df)))
    assert got.index.equals(df.index)


def test_one_hot_column_lesson_example():
    applicants = pd.DataFrame({"admit": [0, 1, 1, 0, 1, 0], "gre": [460, 740, 580, 700, 660, 520],
                               "gpa": [3.84, 3.94, 2.91, 3.40, 3.67, 2.93], "rank": [3, 1, 4, 2, 3, 1]})
    got = sol.one_hot_column(applicants, "rank")
    assert list(got.columns) == ["admit", "gre", "gpa", "rank_1", "rank_2", "rank_3", "rank_4"]
    np.testing.assert_array_equal(got["rank_3"], [1, 0, 0, 0, 1, 0])
    check_against_reference(applicants, "rank")


@settings(max_examples=150, deadline=None)
@given(frames())
def test_one_hot_column_matches_get_dummies_with_integers(df):
    check_against_reference(df, "rank")


@settings(max_examples=50, deadline=None)
@given(frames(values=st.sampled_from(["red", "green", "blue", "Blue", "yellow"])))
def test_one_hot_column_of_text_values(df):
    # Text categories are sorted as text (the contract's ascending order), as get_dummies does.
    check_against_reference(df, "rank")


def test_one_hot_column_sorts_numbers_as_numbers_and_keeps_only_values_that_occur():
    shoes = pd.DataFrame({"size": [10, 5, 20, 5], "price": [30.0, 25.5, 80.0, 19.9]}, index=[17, 3, 250, 42])
    got = sol.one_hot_column(shoes, "size")
    assert list(got.columns) == ["price", "size_5", "size_10", "size_20"]
    assert list(got.index) == [17, 3, 250, 42]
    np.testing.assert_array_equal(got["size_5"], [0, 1, 0, 1])


def test_one_hot_column_on_the_course_data():
    from nnhelpers.datasets import load_student_admissions

    df = load_student_admissions()
    got = sol.one_hot_column(df, "rank")
    assert list(got.columns) == ["admit", "gre", "gpa", "rank_1", "rank_2", "rank_3", "rank_4"]
    check_against_reference(df, "rank")
