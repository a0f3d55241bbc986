"""Self-check questions: right and wrong answers get the right feedback, and a lesson stores the same
question on every run."""

import pytest

from nnhelpers import selfcheck

QUESTION = selfcheck.ask("What is 2 + 2?", ["3", "4", "22"], answer=1, explanation="Two and two make four.")


def test_feedback_says_right_or_names_the_answer_and_always_explains():
    assert QUESTION.feedback(1) == "Right. Two and two make four."
    assert QUESTION.feedback(2) == "Not quite: the answer is B. 4 Two and two make four."
    assert QUESTION.feedback(None) == "Pick an option first."


@pytest.mark.parametrize("options, answer, message", [
    (["only one"], 0, "2 to 8 options"),
    (["a", "b"], 2, "answer is the index"),
    (["a", "b"], True, "answer is the index"),  # a bool is an int, but not an index anyone means
])
def test_malformed_questions_are_refused_with_the_reason(options, answer, message):
    with pytest.raises(ValueError, match=message):
        selfcheck.ask("?", options, answer, "because")


def test_the_static_form_shows_the_options_and_folds_the_explanation_away():
    html = QUESTION.as_html()
    assert "What is 2 + 2?" in html and "<li>A. 3</li>" in html and "<li>C. 22</li>" in html
    folded = html.split("<details>", 1)[1]
    assert "Two and two make four." in folded and "Two and two make four." not in html.split("<details>", 1)[0]
    assert QUESTION.as_text() == "Self-check: What is 2 + 2?\n  A. 3\n  B. 4\n  C. 22"


def test_the_stored_outputs_are_the_same_on_every_run():
    first, second = QUESTION._repr_mimebundle_(), selfcheck.ask(
        "What is 2 + 2?", ["3", "4", "22"], answer=1, explanation="Two and two make four.")._repr_mimebundle_()
    compared = ("text/plain", "text/html")
    assert {k: first[k] for k in compared} == {k: second[k] for k in compared}
    assert "application/vnd.jupyter.widget-view+json" in first  # the live form, which nbval does not compare


def test_the_widget_checks_the_chosen_option():
    box = QUESTION.widget()
    prompt, choices, check, feedback = box.children
    assert choices.value is None and feedback.value == ""
    check.click()
    assert feedback.value == "Pick an option first."
    choices.value = 0
    check.click()
    assert "Not quite: the answer is B. 4" in feedback.value and "#D55E00" in feedback.value
    choices.value = 1
    check.click()
    assert "Right." in feedback.value and "#009E73" in feedback.value
