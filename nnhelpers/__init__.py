"""Shared helpers for the Introduction to Neural Networks course.

Infrastructure only, never a graded answer:

- :mod:`nnhelpers.datasets`: the course datasets (generate, write, load).
- :mod:`nnhelpers.plotting`: points, boundaries, error curves, network diagrams in one style.
- :mod:`nnhelpers.gradcheck`: numerical gradients and the relative error used to check them.
- :mod:`nnhelpers.training`: a generic training loop with an optional progress bar.
- :mod:`nnhelpers.checks`: the functions the visible tests call, with readable messages.
- :mod:`nnhelpers.selfcheck`: ungraded "predict, then run" questions in the lessons.
- :mod:`nnhelpers.interactive`: the lessons' sliders and buttons, with the pure functions behind them
  (a lesson passes in its own functions where they would be an assignment's answer).

Submodules are imported on demand, so ``import nnhelpers.checks`` does not pay for matplotlib.
"""

__version__ = "1.0.0"

COURSE_SEED = 42
"""The one random seed every notebook starts from, so every run draws the same numbers."""
