"""A generic training loop: call a step function for N epochs and record the loss.

The progress bar comes from ``tqdm.auto`` (a widget in JupyterLab, text in a terminal). It is
off when asked (``progress=False``), when ``$NNHELPERS_PROGRESS`` is ``0``/``off``/``false``
(CI, nbval and the grader set it: a bar's timings would make stored outputs differ on every
run), and when output is not interactive (no terminal and no notebook kernel).
"""

import os
import sys

from tqdm.auto import tqdm

__all__ = ["train", "progress_enabled"]


def progress_enabled(progress=None):
    """Whether a progress bar should be shown (``progress`` True/False forces the answer)."""
    if progress is not None:
        return bool(progress)
    if os.environ.get("NNHELPERS_PROGRESS", "").strip().lower() in {"0", "off", "false", "no"}:
        return False
    in_kernel = "ipykernel" in sys.modules
    return in_kernel or sys.stderr.isatty()


def train(step, state, epochs, loss=None, progress=None, description="training"):
    """Run ``state = step(state)`` ``epochs`` times and return ``(state, losses)``.

    ``loss(state)``, when given, is recorded after every step (``losses[i]`` is the loss
    after step ``i``, so ``len(losses) == epochs``); without it ``losses`` is empty.
    The bar shows the latest loss.
    """
    if int(epochs) != epochs or epochs < 0:
        raise ValueError(f"train: epochs must be a whole number >= 0, got {epochs!r}.")
    losses = []
    bar = tqdm(range(int(epochs)), desc=description, disable=not progress_enabled(progress), leave=False)
    for _ in bar:
        state = step(state)
        if loss is not None:
            value = float(loss(state))
            losses.append(value)
            bar.set_postfix(loss=f"{value:.4f}", refresh=False)
    return state, losses
