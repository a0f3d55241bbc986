"""Shared helpers for the Introduction to Neural Networks course.

Infrastructure only, never a graded answer:

- :mod:`nnhelpers.datasets`: the course datasets (generate, write, load).
- :mod:`nnhelpers.plotting`: points, boundaries, error curves, network diagrams in one style.
- :mod:`nnhelpers.gradcheck`: numerical gradients and the relative error used to check them.
- :mod:`nnhelpers.training`: a generic training loop with an optional progress bar.
- :mod:`nnhelpers.checks`: the functions the visible tests call, with readable messages.

Submodules are imported on demand, so ``import nnhelpers.checks`` does not pay for matplotlib.
"""

__version__ = "1.0.0"

COURSE_SEED = 42
"""The one random seed every notebook starts from, so every run draws the same numbers."""
