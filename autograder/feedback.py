"""Feedback pages for students: nbgrader's feedback template, with hidden tests redacted.

Workers render a page right after grading a notebook. ``regenerate`` renders them again from the
autograded notebooks and the gradebook, so that scores and comments a grader changed in formgrader
reach the students. (nbgrader's own ``generate_feedback`` would show the hidden tests' code.)

Mathematics is turned into MathML here, on the instructor's machine (latex2mathml, pinned in the lock):
browsers draw MathML themselves, so a page shows its formulas offline and loads no script. nbgrader's
template would load MathJax from a CDN; ``feedback_templates/mathjax.html.j2`` shadows that macro.
"""

import copy
import functools
import re
import shutil
from html import escape
from pathlib import Path

import nbformat

WITHHELD_NOTICE = "Your score is held for review by your instructor."
TEMPLATES = Path(__file__).resolve().parent / "feedback_templates"
# What nbgrader's release_feedback reads beside each page to name it for the student's own submission.
SUBMISSION_STAMPS = ("timestamp.txt", "submission_secret.txt")
# $$display$$ first, then $inline$ (not across lines); a backslash-escaped dollar is a dollar.
MATH = re.compile(r"(?<!\\)\$\$(.+?)\$\$|(?<![\\$])\$(?!\$)([^$\n]+?)(?<!\\)\$", re.DOTALL)


def _mathml(match):
    display, inline = match.groups()
    latex = display if display is not None else inline
    from latex2mathml.converter import convert

    try:
        return convert(latex.strip(), display="block" if display is not None else "inline")
    except Exception:  # a formula the converter cannot read stays readable as its LaTeX source
        return f"<code>{escape(match.group(0))}</code>"


@functools.lru_cache(maxsize=4096)
def render_math(markdown):
    """Markdown with every $...$ and $$...$$ formula replaced by MathML, on one line each."""
    return MATH.sub(lambda m: _mathml(m).replace("\n", ""), markdown)


def copy_submission_stamps(course, student, assignment):
    """Put the submission's timestamp and secret beside its feedback pages, as nbgrader's own
    generate_feedback does: `nbgrader release_feedback` (or formgrader's button) needs them to hand
    each page to the student's Assignments tab."""
    submitted = course.submitted_dir / student / assignment
    feedback = course.feedback_dir / student / assignment
    if not feedback.is_dir():
        return
    for name in SUBMISSION_STAMPS:
        if (submitted / name).is_file():
            shutil.copy2(submitted / name, feedback / name)


def error_output(ename, evalue):
    """An error output that shows only its message (no traceback, no code)."""
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def redact_hidden_tests(nb, hidden):
    """Replace hidden tests' code with their visible part, and their errors with the message only.

    ``hidden`` maps each hidden test's grade_id to the visible part of its cell.
    """
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id not in hidden:
            continue
        cell.source = hidden[grade_id].rstrip() + "\n# (hidden test: its code is not shown)"
        cell.outputs = [error_output(o.get("ename", "Error"), o.get("evalue", ""))
                        for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return nb


# nbconvert adds this alt text to images that have none; so does the feedback page.
MISSING_ALT = 'alt="No description has been provided for this image"'
IMAGE_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)", re.IGNORECASE)


@functools.cache
def _exporter():
    """nbgrader's feedback template, compiled once per process."""
    import nbgrader
    from jinja2 import FileSystemLoader
    from nbconvert.exporters import HTMLExporter, TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from traitlets.config import Config

    class CachedHighlight(Highlight2HTML):
        """Most cells of every submission are the release's own (instructions, tests): each is highlighted once."""

        @functools.lru_cache(maxsize=4096)  # noqa: B019  (one instance per process, kept for its life)
        def _cached(self, source, language, magics_language):
            return super().__call__(source, language, {"magics_language": magics_language} if magics_language else None)

        def __call__(self, source, language=None, metadata=None):
            return self._cached(source, language, (metadata or {}).get("magics_language"))

    class FeedbackExporter(HTMLExporter):
        """nbconvert's HTML exporter without its last step, which parsed and re-serialised the whole page with
        BeautifulSoup to give images alt text (half of a page's cost); a regular expression does that here."""

        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            if getattr(self, "highlighter", None) is None or self.highlighter.pygments_lexer != (lexer or "ipython3"):
                self.highlighter = CachedHighlight(pygments_lexer=lexer, parent=self)
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", self.highlighter)
            self.register_filter("filter_data_type",
                                 WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return IMAGE_WITHOUT_ALT.sub(f"<img {MISSING_ALT}", html), resources

    base = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
    config = Config()
    config.HTMLExporter.template_name = "feedback"
    config.HTMLExporter.extra_template_basedirs = [str(base / "templates")]
    config.HTMLExporter.extra_template_paths = [str(base / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    # The page's notebook is checked against nbformat's schema once, after nbconvert's preprocessors, instead of
    # after each of them (a third of a page's cost): an invalid notebook is refused either way.
    config.HTMLExporter.optimistic_validation = True
    # Tried before nbconvert's own folders, so that our mathjax.html.j2 shadows theirs.
    exporter = FeedbackExporter(config=config, extra_loaders=[FileSystemLoader(str(TEMPLATES))])
    exporter.register_preprocessor(CSSHTMLHeaderPreprocessor(config=config), enabled=True)
    return exporter


def render_feedback(nb, grades, comments, hidden, student, assignment, notebook, notice=None):
    """The HTML page of one graded notebook: ``grades`` {grade_id: (score, points)}, ``comments``
    {grade_id: text or None}, ``hidden`` as in :func:`redact_hidden_tests`."""
    page = redact_hidden_tests(copy.deepcopy(nb), hidden)
    for cell in page.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if not meta:
            continue
        if meta.get("grade_id") in grades:
            meta["score"], meta["points"] = grades[meta["grade_id"]]
        if meta.get("solution"):
            meta["comment"] = comments.get(meta.get("grade_id"))
    for cell in page.cells:
        if cell.cell_type == "markdown":
            cell.source = render_math(cell.source)
    if notice:
        page.cells.insert(0, nbformat.v4.new_markdown_cell(f"**{notice}**"))
    score = sum(s for s, _ in grades.values() if s is not None)
    resources = {"nbgrader": {"notebook": notebook, "student": student, "assignment": assignment, "score": score,
                              "max_score": sum(p for _, p in grades.values()), "late_penalty": 0}}
    html, _ = _exporter().from_notebook_node(page, resources=resources)
    return html


def regenerate(course, assignments=None, students=None, only_reviewed=False):
    """Render feedback again from autograded/ and the gradebook; returns the pages written.

    ``only_reviewed`` limits it to submissions where a grader set a score by hand.
    """
    from nbgrader.api import MissingEntry

    from autograder.assignments import read_assignment_spec
    from autograder.gradebook import open_gradebook
    from autograder.grading.record import read_record

    written = []
    with open_gradebook(course.db_url, course.course_id) as gb:
        for assignment in course.resolve_assignments(assignments):
            hidden = read_assignment_spec(course, assignment).hidden_test_views()
            for submission in gb.assignment_submissions(assignment):
                student = submission.student.id
                if students is not None and student not in students:
                    continue
                manual = any(g.manual_score is not None for nb in submission.notebooks for g in nb.grades)
                if only_reviewed and not manual:
                    continue
                record = read_record(course, student, assignment) or {}
                notice = WITHHELD_NOTICE if record.get("tampered") and not manual else None
                for notebook in submission.notebooks:
                    path = course.autograded_dir / student / assignment / f"{notebook.name}.ipynb"
                    if not path.is_file():
                        continue
                    grades = {g.name: (g.score, g.max_score) for g in notebook.grades}
                    comments = {}
                    for c in notebook.comments:
                        try:
                            comments[c.name] = c.comment
                        except MissingEntry:
                            continue
                    html = render_feedback(nbformat.read(str(path), as_version=4), grades, comments,
                                           hidden.get(notebook.name, {}), student, assignment, notebook.name, notice)
                    target = course.feedback_dir / student / assignment / f"{notebook.name}.html"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(html, encoding="utf-8")
                    written.append(target)
                copy_submission_stamps(course, student, assignment)
    return written
