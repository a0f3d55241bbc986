"""Feedback pages carry their mathematics as MathML and load nothing from the internet."""

import re

import nbformat

from autograder.feedback import render_feedback, render_math


def test_inline_and_display_formulas_become_mathml_and_escaped_dollars_stay():
    text = render_math(r"score $w_1 x_1 + b$ and $$\frac{a}{b}$$ cost \$5")
    assert text.count("<math") == 2
    assert 'display="inline"' in text and 'display="block"' in text
    assert "<mfrac>" in text and "<msub>" in text
    assert text.endswith(r"cost \$5")


def test_code_and_text_without_formulas_are_left_alone():
    assert render_math("no maths here, a price of 5 dollars") == "no maths here, a price of 5 dollars"


def test_a_feedback_page_has_mathml_and_no_script_from_the_internet():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("The line $2 x_1 + x_2 - 18 = 0$."),
                nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade": True, "grade_id": "test_x",
                                                                          "points": 1, "solution": False}})]
    page = render_feedback(nb, {"test_x": (1.0, 1.0)}, {}, {}, "student", "01_admissions", "01_admissions")
    assert "<math" in page
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=.https?://", page)
    assert "cdnjs" not in page
