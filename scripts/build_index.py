"""Generate the course map (notebooks/index.ipynb) and every lesson's navigation links.

Everything comes from the lessons themselves: a lesson ``notebooks/NN_topic.ipynb`` opens with a
markdown cell of this form, which this script reads:

    # Lesson NN: Title
    **Estimated time:** 30 minutes · **Assignment:** [NN_topic](../release/NN_topic/NN_topic.ipynb)
    One or two sentences on what the lesson does (the course map's description).
    ## Learning objectives
    - one objective per bullet

Cells tagged ``navigation`` (one after the title cell, one at the end) are rewritten with links
to the course map and the previous and next lessons. ``--check`` changes nothing and exits 1
when a file is out of date (run by the test suite).
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSON_NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


class LessonFormatError(ValueError):
    pass


@dataclass
class Lesson:
    path: Path
    number: str
    title: str
    minutes: int
    description: str
    objectives: list

    @property
    def name(self):
        return self.path.stem

    @property
    def assignment_link(self):
        return f"../release/{self.name}/{self.name}.ipynb"


def parse_lesson(path):
    nb = nbformat.read(str(path), as_version=4)
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        raise LessonFormatError(f"{path.name}: the first cell must be the markdown title cell.")
    text = nb.cells[0].source
    number = LESSON_NAME.match(path.name).group(1)
    title = re.search(rf"^# Lesson {number}: (.+)$", text, flags=re.MULTILINE)
    minutes = re.search(r"\*\*Estimated time:\*\* (\d+) minutes", text)
    objectives_part = text.split("## Learning objectives", 1)
    if not (title and minutes and len(objectives_part) == 2):
        raise LessonFormatError(
            f"{path.name}: the title cell needs '# Lesson {number}: <title>', '**Estimated time:** N minutes' "
            "and a '## Learning objectives' list (see scripts/build_index.py)."
        )
    before_objectives = objectives_part[0]
    paragraphs = [p.strip() for p in before_objectives.split("\n\n") if p.strip()]
    description = next((p for p in paragraphs if not p.startswith("#") and "**Estimated time:**" not in p), "")
    objectives = [line[2:].strip() for line in objectives_part[1].splitlines() if line.startswith("- ")]
    if not description or not objectives:
        raise LessonFormatError(f"{path.name}: the title cell needs a description paragraph and at least one objective.")
    return Lesson(path, number, title.group(1).strip(), int(minutes.group(1)), " ".join(description.split()), objectives)


def lessons():
    return [parse_lesson(p) for p in sorted(NOTEBOOKS.glob("*.ipynb")) if LESSON_NAME.match(p.name)]


def navigation(all_lessons, index):
    parts = []
    if index > 0:
        previous = all_lessons[index - 1]
        parts.append(f"[← Lesson {previous.number}: {previous.title}]({previous.path.name})")
    parts.append("[Course map](index.ipynb)")
    if index + 1 < len(all_lessons):
        following = all_lessons[index + 1]
        parts.append(f"[Lesson {following.number}: {following.title} →]({following.path.name})")
    return " · ".join(parts)


def index_notebook(all_lessons):
    total = sum(lesson.minutes for lesson in all_lessons)
    rows = [
        "# Introduction to Neural Networks: course map",
        "",
        "From a line that separates admitted and rejected students to a neural network trained by "
        "backpropagation. Each lesson teaches one idea with worked examples and figures; its assignment "
        "asks you to write the functions yourself, with tests that tell you what is wrong.",
        "",
        f"**{len(all_lessons)} lessons**, about {total // 60} h {total % 60:02d} min of reading and running, "
        "plus the assignments. Work through them in order: each builds on the one before.",
        "",
        "| # | Lesson | What you learn | Time | Assignment |",
        "|---|---|---|---|---|",
    ]
    for lesson in all_lessons:
        rows.append(
            f"| {lesson.number} | [{lesson.title}]({lesson.path.name}) | {lesson.description} "
            f"| {lesson.minutes} min | [{lesson.name}]({lesson.assignment_link}) |"
        )
    rows += [
        "",
        "## Learning objectives, lesson by lesson",
        "",
    ]
    for lesson in all_lessons:
        rows.append(f"**{lesson.number} · {lesson.title}**")
        rows.append("")
        rows.extend(f"- {objective}" for objective in lesson.objectives)
        rows.append("")
    rows += [
        "## How to work",
        "",
        "1. Read a lesson top to bottom and run its cells (*Run → Run All Cells*).",
        "2. Open the assignment from the *Assignments* tab (on the course's JupyterHub) and fetch it.",
        "3. Fill in each function, run the test cells, and submit. Hidden tests run after you submit;",
        "   your feedback lists every test with its points and a hint for each one that failed.",
        "",
        "*This map is generated from the lessons by `scripts/build_index.py` (`make index`).*",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("\n".join(rows).rstrip() + "\n")])
    nb.cells[0]["id"] = "course-map"
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _write_if_changed(path, nb, check):
    text = nbformat.writes(nb) + "\n"
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if current == text:
        return False
    if not check:
        path.write_text(text, encoding="utf-8")
    return True


def update_navigation(lesson_path, links, check):
    nb = nbformat.read(str(lesson_path), as_version=4)
    nav_cells = [c for c in nb.cells if "navigation" in c.metadata.get("tags", [])]
    if not nav_cells:
        raise LessonFormatError(f"{lesson_path.name}: add a markdown cell tagged 'navigation' after the title cell and at the end.")
    for cell in nav_cells:
        cell.source = links
    return _write_if_changed(lesson_path, nb, check)


def main(argv):
    check = "--check" in argv
    try:
        all_lessons = lessons()
        stale = [p.name for i, lesson in enumerate(all_lessons)
                 if update_navigation(p := lesson.path, navigation(all_lessons, i), check)]
    except LessonFormatError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if _write_if_changed(NOTEBOOKS / "index.ipynb", index_notebook(all_lessons), check):
        stale.append("index.ipynb")
    if check and stale:
        print(f"out of date: {', '.join(stale)}. Run `make index` and commit.", file=sys.stderr)
        return 1
    print(f"{'would update' if check else 'updated'}: {', '.join(stale) or 'nothing'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
