"""Predict, then run: ungraded self-check questions inside a lesson.

A question is asked *before* the cell that shows its answer. In a live notebook it is a small
widget: pick an option, press *Check*, and read whether it was right and why. Nothing is recorded
or graded. In a static view of the notebook (a code host, nbviewer, a kernel that is not running)
the same question shows as HTML, with the explanation folded away under *Show the answer*.

What a lesson stores is the question before any answer, built from the question's own text only,
so a re-executed lesson stores exactly the same outputs (the widget's model id, which differs on
every run, is in a MIME type that nbval does not compare).

    question = selfcheck.ask(
        "What does softmax give for the scores (1, 1, 1)?",
        ["(1, 1, 1)", "(1/3, 1/3, 1/3)", "(0, 0, 0)"],
        answer=1,
        explanation="Equal scores get equal shares of a total of 1.",
    )
"""

import html
from dataclasses import dataclass

__all__ = ["Question", "ask"]

LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Question:
    prompt: str
    options: tuple
    answer: int
    explanation: str

    def __post_init__(self):
        if not 2 <= len(self.options) <= len(LETTERS):
            raise ValueError(f"a self-check question needs 2 to {len(LETTERS)} options; {self.prompt!r} has "
                             f"{len(self.options)}.")
        if isinstance(self.answer, bool) or not (isinstance(self.answer, int) and 0 <= self.answer < len(self.options)):
            raise ValueError(f"answer is the index of the right option, 0 to {len(self.options) - 1}; "
                             f"{self.prompt!r} has answer={self.answer!r}.")

    def option_label(self, index):
        return f"{LETTERS[index]}. {self.options[index]}"

    def feedback(self, choice):
        """What a student reads after choosing option ``choice`` (an index, or None for no choice yet)."""
        if choice is None:
            return "Pick an option first."
        verdict = "Right." if choice == self.answer else (
            f"Not quite: the answer is {self.option_label(self.answer)}")
        return f"{verdict} {self.explanation}"

    def as_text(self):
        lines = [f"Self-check: {self.prompt}"] + [f"  {self.option_label(i)}" for i in range(len(self.options))]
        return "\n".join(lines)

    def as_html(self):
        """The static form: the question, its options and the explanation folded away."""
        options = "".join(f"<li>{html.escape(self.option_label(i))}</li>" for i in range(len(self.options)))
        return (
            '<div class="nn-selfcheck"><p><b>Predict, then run.</b> ' + html.escape(self.prompt) + "</p>"
            f'<ul style="list-style: none">{options}</ul>'
            f"<details><summary>Show the answer</summary><p>{html.escape(self.feedback(self.answer))}</p></details></div>"
        )

    def widget(self):
        """The live form: options, a Check button, and the feedback after a check."""
        import ipywidgets as widgets

        prompt = widgets.HTML(f"<b>Predict, then run.</b> {html.escape(self.prompt)}")
        choices = widgets.RadioButtons(options=[(self.option_label(i), i) for i in range(len(self.options))],
                                       value=None, layout=widgets.Layout(width="auto"))
        check = widgets.Button(description="Check", button_style="info")
        feedback = widgets.HTML("")

        def on_check(_):
            colour = "#009E73" if choices.value == self.answer else "#D55E00"
            text = html.escape(self.feedback(choices.value))
            feedback.value = f'<p style="color: {colour}">{text}</p>' if choices.value is not None else text

        check.on_click(on_check)
        return widgets.VBox([prompt, choices, check, feedback])

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.as_text(), "text/html": self.as_html()}
        live = self.widget()._repr_mimebundle_()
        if live and "application/vnd.jupyter.widget-view+json" in live:
            bundle["application/vnd.jupyter.widget-view+json"] = live["application/vnd.jupyter.widget-view+json"]
        return bundle


def ask(prompt, options, answer, explanation):
    """A self-check question; end a cell with it (or ``display`` it) to show it."""
    return Question(prompt, tuple(options), answer, explanation)
