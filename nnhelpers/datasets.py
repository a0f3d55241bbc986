"""The course datasets: synthetic, generated here with fixed seeds, never downloaded.

``python -m nnhelpers.datasets`` rewrites ``data/`` (the four CSV files and the statistics
block of the data card); ``--check`` only compares and exits 1 when anything differs.

In a notebook, use the loaders: ``load_admissions()``, ``load_perceptron()``,
``load_nonlinear()``, ``load_student_admissions()``. They read ``data/<name>.csv`` from the
first place that has it (``$NNHELPERS_DATA_DIR``, the working folder and its parents, the
repository this package was installed from) and otherwise rebuild the same table in memory,
so a student's copy of an assignment on the hub, far from ``data/``, loads identical data.

``load_iris()`` (lesson 10) is the exception: real measurements that scikit-learn ships inside
its package, read from there and never written to ``data/``.
"""

import argparse
import io
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

# Every dataset has its own seed so that changing one generator never changes another file.
SEEDS = {"admissions": 2017, "perceptron": 1957, "nonlinear": 1986, "student_admissions": 1994}

# The seed's three students: (test, grades, accepted). Student 3's label is the one the
# lesson asks about; 2 * 7 + 6 - 18 = 2 >= 0 puts them on the accepted side.
SEED_STUDENTS = [(9.0, 8.0, 1), (3.0, 4.0, 0), (7.0, 6.0, 1)]

# The logit of the well-known UCLA graduate admissions example (rank 1 is the baseline).
UCLA_INTERCEPT = -3.99
UCLA_GRE = 0.00226
UCLA_GPA = 0.804
UCLA_RANK = {1: 0.0, 2: -0.675, 3: -1.34, 4: -1.55}
# Applicants per rank in that example (61/151/121/67 of 400).
UCLA_RANK_COUNTS = {1: 61, 2: 151, 3: 121, 4: 67}


def _sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def generate_admissions(seed=SEEDS["admissions"], n=100):
    """About a hundred students scored 0-10 on a test and on grades.

    Labels follow the line ``2 * test + grades - 18 = 0`` (accepted on or above it), except
    that a few students close to the line are flipped, as real decisions are noisy.
    The seed's three students are the first three rows.
    """
    rng = np.random.default_rng(seed)
    m = n - len(SEED_STUDENTS)
    test = np.clip(rng.normal(6.0, 2.0, m), 0.0, 10.0).round(1)
    grades = np.clip(rng.normal(6.0, 2.0, m), 0.0, 10.0).round(1)
    score = 2 * test + grades - 18
    accepted = (score >= 0).astype(int)
    # Noise only near the boundary: a far-away student is never mislabelled.
    near = np.abs(score) < 2.5
    flip = near & (rng.random(m) < 0.2)
    accepted = np.where(flip, 1 - accepted, accepted)
    frame = pd.DataFrame({"test": test, "grades": grades, "accepted": accepted})
    seed_rows = pd.DataFrame(SEED_STUDENTS, columns=["test", "grades", "accepted"])
    return pd.concat([seed_rows, frame], ignore_index=True)


def _separated_points(rng, n, signed_distance, margin):
    """Draw points in [0, 1]^2 until ``n`` of them lie at least ``margin`` from the boundary."""
    kept = []
    while len(kept) < n:
        point = rng.random(2).round(5)
        if abs(signed_distance(point)) >= margin:
            kept.append(point)
    points = np.array(kept)
    labels = (np.array([signed_distance(p) for p in points]) > 0).astype(int)
    return points, labels


def generate_perceptron(seed=SEEDS["perceptron"], n=100):
    """100 points in the unit square, separable by the line ``0.75 * x1 + x2 - 1 = 0``.

    No point lies within 0.03 of the line, so the classes stay separable after rounding
    and the perceptron algorithm is guaranteed to converge on them.
    """
    rng = np.random.default_rng(seed)
    norm = np.hypot(0.75, 1.0)
    points, labels = _separated_points(rng, n, lambda p: (0.75 * p[0] + p[1] - 1.0) / norm, margin=0.03)
    return pd.DataFrame({"x1": points[:, 0], "x2": points[:, 1], "y": labels})


def generate_nonlinear(seed=SEEDS["nonlinear"], n=200):
    """200 points in the unit square: label 1 above the parabola ``x2 = 3 (x1 - 0.5)^2 + 0.3``.

    No line separates them, but two lines combined (the hidden layer of lesson 08) can.
    Points closer than 0.03 (vertically) to the curve are redrawn, to keep the classes apart.
    """
    rng = np.random.default_rng(seed)
    points, labels = _separated_points(rng, n, lambda p: p[1] - (3.0 * (p[0] - 0.5) ** 2 + 0.3), margin=0.03)
    return pd.DataFrame({"x1": points[:, 0], "x2": points[:, 1], "y": labels})


def generate_student_admissions(seed=SEEDS["student_admissions"]):
    """400 graduate applicants drawn from the UCLA admissions logit.

    Columns: admit (0/1), gre (220-800, steps of 20), gpa (2.26-4.00), rank (1-4, 1 best).
    Rank counts are those of the original example; gre and gpa follow its means and spreads,
    and ``admit`` is a Bernoulli draw with probability ``sigmoid(logit)``.
    """
    rng = np.random.default_rng(seed)
    ranks = np.concatenate([np.full(count, rank) for rank, count in UCLA_RANK_COUNTS.items()])
    rng.shuffle(ranks)
    n = len(ranks)
    gre = (np.clip(rng.normal(588.0, 115.0, n), 220.0, 800.0) / 20.0).round() * 20.0
    gpa = np.clip(rng.normal(3.39, 0.38, n), 2.26, 4.0).round(2)
    # The range of the original data is part of the spec: pin its extremes on two applicants.
    gre[np.argmin(gre)] = 220.0
    gpa[np.argmin(gpa)] = 2.26
    logit = UCLA_INTERCEPT + UCLA_GRE * gre + UCLA_GPA * gpa + np.array([UCLA_RANK[r] for r in ranks])
    admit = (rng.random(n) < _sigmoid(logit)).astype(int)
    return pd.DataFrame({"admit": admit, "gre": gre.astype(int), "gpa": gpa, "rank": ranks.astype(int)})


GENERATORS = {
    "admissions": generate_admissions,
    "perceptron": generate_perceptron,
    "nonlinear": generate_nonlinear,
    "student_admissions": generate_student_admissions,
}


def to_csv_text(frame):
    """The exact bytes (as text) a dataset is stored with: no index, Unix line ends."""
    return frame.to_csv(index=False, lineterminator="\n")


def _read_csv_text(text):
    return pd.read_csv(io.StringIO(text))


def repository_data_dir():
    """``data/`` of the repository this package sits in (an editable install or a checkout)."""
    return Path(__file__).resolve().parent.parent / "data"


def find_data_file(name, start=None):
    """The path of ``data/<name>.csv`` from the first place that has it, or None.

    Looks in ``$NNHELPERS_DATA_DIR``, then ``data/`` in the working folder and each of its
    parents (a notebook in ``notebooks/``, ``source/NN/`` or ``release/NN/``), then the
    repository this package was installed from.
    """
    filename = f"{name}.csv"
    candidates = []
    if os.environ.get("NNHELPERS_DATA_DIR"):
        candidates.append(Path(os.environ["NNHELPERS_DATA_DIR"]) / filename)
    here = Path(start or Path.cwd()).resolve()
    candidates.extend(folder / "data" / filename for folder in (here, *here.parents))
    candidates.append(repository_data_dir() / filename)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def load(name):
    """Load a course dataset as a DataFrame (see the module docstring for where from)."""
    if name not in GENERATORS:
        known = ", ".join(sorted(GENERATORS))
        raise ValueError(f"There is no course dataset called {name!r}. The datasets are: {known}.")
    path = find_data_file(name)
    if path is not None:
        return pd.read_csv(path)
    # Far from data/ (a student's folder on a hub): rebuild the identical table. Going through
    # the CSV text makes the numbers exactly those stored in the file.
    return _read_csv_text(to_csv_text(GENERATORS[name]()))


def load_admissions():
    """The admissions office's students: columns test, grades (0-10) and accepted (0/1)."""
    return load("admissions")


def load_perceptron():
    """100 linearly separable points: columns x1, x2 (in [0, 1]) and y (0/1)."""
    return load("perceptron")


def load_nonlinear():
    """200 points no line separates: columns x1, x2 (in [0, 1]) and y (0/1)."""
    return load("nonlinear")


def load_student_admissions():
    """400 graduate applicants: columns admit (0/1), gre, gpa and rank (1-4)."""
    return load("student_admissions")


# --- Real measurements shipped with scikit-learn ------------------------------------------

IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
IRIS_SPECIES = ("setosa", "versicolor", "virginica")


def iris_csv_path():
    """Where scikit-learn's package keeps its copy of the iris table (``sklearn/datasets/data/iris.csv``).

    Found without importing scikit-learn: the import takes about a second, and every lesson-10 notebook (and
    every grading of one) would pay it only to locate one CSV file."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("load_iris() reads the iris table that scikit-learn ships, and scikit-learn is not "
                                  "installed here: install the course's environment (`make venv`, or "
                                  "`pip install scikit-learn`)")
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "iris.csv"
    if not path.is_file():
        raise FileNotFoundError(f"load_iris(): scikit-learn's iris table is missing at {path}; reinstall "
                                "scikit-learn (`pip install --force-reinstall scikit-learn`)")
    return path


def load_iris():
    """The iris flowers (lesson 10): 150 rows, 50 per species, not generated but measured.

    Columns ``sepal_length``, ``sepal_width``, ``petal_length``, ``petal_width`` (centimetres)
    and ``species`` (integers 0, 1, 2: the names are ``IRIS_SPECIES``). The table is the copy
    that scikit-learn ships inside its package (the file ``sklearn.datasets.load_iris`` reads):
    nothing is downloaded, and it is the same on every machine with the same scikit-learn.
    """
    with iris_csv_path().open(encoding="utf-8") as handle:
        # The first line is scikit-learn's header: rows, columns, then the species' names.
        rows, columns, *species = handle.readline().strip().split(",")
        if (int(rows), int(columns), tuple(species)) != (150, len(IRIS_FEATURES), IRIS_SPECIES):
            raise ValueError(f"load_iris(): {handle.name} is not the iris table this course expects")
        table = np.loadtxt(handle, delimiter=",", dtype=float, ndmin=2)
    frame = pd.DataFrame(table[:, :-1], columns=list(IRIS_FEATURES))
    frame["species"] = table[:, -1].astype(np.int64)
    return frame


# --- The data card's statistics block ------------------------------------------------------

STATS_BEGIN = "<!-- statistics: written by `python -m nnhelpers.datasets`; do not edit by hand -->"
STATS_END = "<!-- end of statistics -->"


def _describe(name, frame):
    label = {"admissions": "accepted", "student_admissions": "admit"}.get(name, "y")
    lines = [
        f"### `{name}.csv`",
        "",
        f"- rows: {len(frame)}; columns: {', '.join(f'`{c}`' for c in frame.columns)}",
        f"- share of label 1 (`{label}`): {frame[label].mean():.3f}",
    ]
    for column in frame.columns:
        if column != label:
            lines.append(f"- `{column}`: min {frame[column].min():g}, max {frame[column].max():g}, mean {frame[column].mean():.3f}")
    if name == "student_admissions":
        counts = frame["rank"].value_counts().sort_index()
        rates = frame.groupby("rank")["admit"].mean()
        lines.append("- applicants per rank: " + ", ".join(f"{r}: {counts[r]}" for r in counts.index))
        lines.append("- admit rate per rank: " + ", ".join(f"{r}: {rates[r]:.2f}" for r in rates.index))
    return lines


def statistics_block(frames):
    """The markdown block of the data card that states each file's size and ranges."""
    lines = [STATS_BEGIN, ""]
    for name, frame in frames.items():
        lines.extend(_describe(name, frame))
        lines.append("")
    lines.append(STATS_END)
    return "\n".join(lines)


def render_card(card_text, frames):
    """The data card with its statistics block replaced by the one for ``frames``."""
    if STATS_BEGIN not in card_text or STATS_END not in card_text:
        raise ValueError(
            "The data card has no statistics block; put the two marker lines "
            f"{STATS_BEGIN!r} and {STATS_END!r} back into data/README.md."
        )
    head, rest = card_text.split(STATS_BEGIN, 1)
    _, tail = rest.split(STATS_END, 1)
    return head + statistics_block(frames) + tail


def expected_files(card_text):
    """Every file of ``data/`` with the exact text it must have: {filename: text}."""
    frames = {name: _read_csv_text(to_csv_text(generate())) for name, generate in GENERATORS.items()}
    files = {f"{name}.csv": to_csv_text(frame) for name, frame in frames.items()}
    files["README.md"] = render_card(card_text, frames)
    return files


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m nnhelpers.datasets",
        description="Regenerate the course datasets in data/ (byte for byte, from fixed seeds).",
    )
    parser.add_argument("--data-dir", type=Path, default=repository_data_dir(), help="where the CSV files live (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if any file differs")
    args = parser.parse_args(argv)
    card_path = args.data_dir / "README.md"
    if not card_path.is_file():
        print(f"error: no data card at {card_path}; run from a checkout of the course or pass --data-dir.", file=sys.stderr)
        return 2
    stale = []
    for filename, text in expected_files(card_path.read_text(encoding="utf-8")).items():
        path = args.data_dir / filename
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(filename)
        if not args.check:
            path.write_text(text, encoding="utf-8", newline="\n")
    if args.check and stale:
        print(f"data/ is out of date: {', '.join(stale)} differ from what the generators make. "
              "Run `python -m nnhelpers.datasets` and commit the result.", file=sys.stderr)
        return 1
    verb = "would change" if args.check else "rewrote"
    print(f"{verb}: {', '.join(stale) if stale else 'nothing (data/ is up to date)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
