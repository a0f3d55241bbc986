"""The datasets regenerate byte for byte, match the data card, and look like the spec says."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from nnhelpers import datasets

DATA = ROOT / "data"


def test_generators_reproduce_data_byte_for_byte():
    expected = datasets.expected_files((DATA / "README.md").read_text(encoding="utf-8"))
    for filename, text in expected.items():
        assert (DATA / filename).read_bytes() == text.encode("utf-8"), (
            f"data/{filename} differs from what nnhelpers.datasets generates: run `python -m nnhelpers.datasets`"
        )


def test_cli_check_mode_reports_a_stale_file(tmp_path, capsys):
    for path in DATA.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    assert datasets.main(["--check", "--data-dir", str(tmp_path)]) == 0
    (tmp_path / "perceptron.csv").write_text("x1,x2,y\n0,0,0\n")
    assert datasets.main(["--check", "--data-dir", str(tmp_path)]) == 1
    assert "perceptron.csv" in capsys.readouterr().err
    assert datasets.main(["--data-dir", str(tmp_path)]) == 0
    assert (tmp_path / "perceptron.csv").read_bytes() == (DATA / "perceptron.csv").read_bytes()


def test_cli_without_a_data_card_says_what_to_do(tmp_path, capsys):
    assert datasets.main(["--data-dir", str(tmp_path)]) == 2
    assert "no data card" in capsys.readouterr().err


def test_generation_is_deterministic():
    for generate in datasets.GENERATORS.values():
        pd.testing.assert_frame_equal(generate(), generate())


def test_admissions_follows_the_line_with_a_little_noise():
    df = datasets.load_admissions()
    assert list(df.columns) == ["test", "grades", "accepted"] and len(df) == 100
    assert df[["test", "grades"]].min().min() >= 0 and df[["test", "grades"]].max().max() <= 10
    assert df.iloc[:3].values.tolist() == [[9, 8, 1], [3, 4, 0], [7, 6, 1]]
    by_line = (2 * df.test + df.grades - 18 >= 0).astype(int)
    disagree = int((by_line != df.accepted).sum())
    assert 1 <= disagree <= 12, f"{disagree} labels disagree with the line: 'mostly separated, a little noise'"
    far = (2 * df.test + df.grades - 18).abs() >= 2.5
    assert (by_line[far] == df.accepted[far]).all(), "noise only near the line"


def _separable(X, y):
    """True when a perceptron run long enough classifies every point (margin assumed)."""
    Xb = np.column_stack([X, np.ones(len(X))])
    w = np.zeros(3)
    for _ in range(2000):
        changed = False
        for xi, yi in zip(Xb, y, strict=True):
            pred = int(xi @ w >= 0)
            if pred != yi:
                w += (yi - pred) * xi
                changed = True
        if not changed:
            return True
    return False


def test_perceptron_points_are_linearly_separable_in_the_unit_square():
    df = datasets.load_perceptron()
    assert list(df.columns) == ["x1", "x2", "y"] and len(df) == 100
    assert df[["x1", "x2"]].min().min() >= 0 and df[["x1", "x2"]].max().max() <= 1
    assert 0.2 < df.y.mean() < 0.8
    assert _separable(df[["x1", "x2"]].to_numpy(), df.y.to_numpy())


def test_nonlinear_points_are_not_linearly_separable():
    df = datasets.load_nonlinear()
    assert list(df.columns) == ["x1", "x2", "y"] and len(df) == 200
    from sklearn.linear_model import LogisticRegression

    X, y = df[["x1", "x2"]].to_numpy(), df.y.to_numpy()
    best_linear = LogisticRegression(C=1e6, max_iter=10_000).fit(X, y).score(X, y)
    assert best_linear < 0.85, f"a line already classifies {best_linear:.0%}: not a non-linear dataset"
    # The boundary is the parabola of the data card: the quadratic feature separates perfectly.
    assert ((X[:, 1] - 3 * (X[:, 0] - 0.5) ** 2 - 0.3 > 0).astype(int) == y).all()


def test_student_admissions_looks_like_the_ucla_data():
    df = datasets.load_student_admissions()
    assert list(df.columns) == ["admit", "gre", "gpa", "rank"] and len(df) == 400
    assert 0.27 <= df.admit.mean() <= 0.35
    assert df["rank"].value_counts().sort_index().tolist() == [61, 151, 121, 67]
    assert df.gre.min() == 220 and df.gre.max() == 800 and (df.gre % 20 == 0).all()
    assert df.gpa.min() == 2.26 and df.gpa.max() == 4.0
    rates = df.groupby("rank").admit.mean()
    assert rates[1] > rates[2] > rates[4], "better-ranked schools admit more, as in the original"
    for column in ("admit", "gre", "rank"):
        assert df[column].dtype.kind == "i"


def test_loader_rebuilds_identical_data_far_from_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(datasets, "repository_data_dir", lambda: tmp_path / "nowhere")
    assert datasets.find_data_file("admissions") is None
    rebuilt = datasets.load_admissions()
    monkeypatch.undo()
    pd.testing.assert_frame_equal(rebuilt, pd.read_csv(DATA / "admissions.csv"))


def test_loader_prefers_data_next_to_the_notebook(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "perceptron.csv").write_text("x1,x2,y\n0.5,0.5,1\n")
    (tmp_path / "release" / "02_perceptron").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "release" / "02_perceptron")
    assert len(datasets.load_perceptron()) == 1


def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(ValueError, match="admissions, nonlinear, perceptron, student_admissions"):
        datasets.load("mnist")


def test_data_card_states_what_the_files_hold():
    card = (DATA / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in card.lower() and "python -m nnhelpers.datasets" in card
    for name, generate in datasets.GENERATORS.items():
        frame = generate()
        assert f"`{name}.csv` | {len(frame)} |" in card, f"the data card's table gives the wrong size for {name}.csv"


def test_iris_is_scikit_learns_table_with_named_columns():
    from sklearn.datasets import load_iris

    frame = datasets.load_iris()
    assert list(frame.columns) == [*datasets.IRIS_FEATURES, "species"] and len(frame) == 150
    assert frame["species"].dtype.kind == "i" and frame["species"].value_counts().sort_index().tolist() == [50, 50, 50]
    bunch = load_iris()
    np.testing.assert_array_equal(frame[list(datasets.IRIS_FEATURES)].to_numpy(), bunch.data)
    assert list(datasets.IRIS_SPECIES) == list(bunch.target_names)
    # Fisher's values, as the data card says (the UCI copy differs in these two setosa rows).
    assert frame.iloc[34, :4].tolist() == [4.9, 3.1, 1.5, 0.2] and frame.iloc[37, :4].tolist() == [4.9, 3.6, 1.4, 0.1]
    card = (DATA / "README.md").read_text(encoding="utf-8")
    assert "sklearn.datasets.load_iris" in card and "no file is added to `data/`" in card


def test_iris_is_read_without_importing_scikit_learn():
    # Importing scikit-learn costs about a second, paid by every lesson-10 notebook and every grading of one.
    code = "import sys; from nnhelpers import datasets; datasets.load_iris(); print('sklearn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "False"


def test_iris_without_scikit_learn_says_what_to_install(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="scikit-learn is not installed.*make venv"):
        datasets.load_iris()
