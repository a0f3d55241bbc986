"""The feedback page is rendered without nbconvert's BeautifulSoup pass and with cached highlighting (for
speed), and still says exactly what nbconvert's own exporter would: same text, images with alt text."""

import base64
import copy
import re

import nbformat
from bs4 import BeautifulSoup

from autograder.feedback import MISSING_ALT, _exporter, render_feedback

PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    test = nbformat.v4.new_code_cell("assert predict(1) == 1\nprint('ok')", metadata={
        "nbgrader": {"grade": True, "grade_id": "test_predict", "points": 2, "score": 2, "solution": False, "locked": True}})
    test.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ok\n")]
    plot = nbformat.v4.new_code_cell("%matplotlib inline\nplt.plot([1, 2])")
    plot.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}),
                    nbformat.v4.new_output("display_data", data={"text/html": '<img src="x.png" alt="mine">'})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Lesson\nSome *text*."), test, plot]
    return nb


def _stock_page(nb, resources):
    """The page as nbconvert's own HTMLExporter renders it with the same template and configuration."""
    from nbconvert.exporters import HTMLExporter
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

    mine = _exporter()
    stock = HTMLExporter(config=mine.config, extra_loaders=mine.extra_loaders)
    stock.register_preprocessor(CSSHTMLHeaderPreprocessor(config=mine.config), enabled=True)
    return stock.from_notebook_node(nb, resources=resources)[0]


def _text(page):
    return " ".join(BeautifulSoup(page, "html.parser").get_text().split())


def test_the_page_has_the_text_and_images_nbconverts_own_exporter_gives():
    nb = _notebook()
    resources = {"nbgrader": {"notebook": "n", "student": "s", "assignment": "a", "score": 2, "max_score": 2,
                              "late_penalty": 0}}
    ours = _exporter().from_notebook_node(nbformat.from_dict(nb), resources=dict(resources))[0]
    stock = _stock_page(nbformat.from_dict(nb), dict(resources))
    assert _text(ours) == _text(stock)
    images = re.findall(r"<img\b[^>]*>", ours)
    assert len(images) == 2 and all("alt=" in tag for tag in images)
    assert sum(MISSING_ALT in tag for tag in images) == 1  # the student's own alt text is kept
    highlighted = [[(block.get_text(), len(block.find_all("span"))) for block in BeautifulSoup(page, "html.parser").select(".highlight")]
                   for page in (ours, stock)]
    assert highlighted[0] == highlighted[1] and len(highlighted[0]) == 2


def test_highlighting_is_cached_and_the_same_on_every_page():
    nb = _notebook()
    first = render_feedback(copy.deepcopy(nb), {"test_predict": (2.0, 2.0)}, {}, {}, "s", "a", "n")
    second = render_feedback(copy.deepcopy(nb), {"test_predict": (2.0, 2.0)}, {}, {}, "s", "a", "n")
    assert first == second
    assert _exporter().highlighter._cached.cache_info().hits >= 2
