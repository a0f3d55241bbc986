"""Import submissions into submitted/ from a folder or a zip downloaded from a learning platform.

The expected layout is ``<student>/<assignment>/*.ipynb`` (a zip may wrap it in one more folder).
For each student and assignment the notebook with the assignment's name is taken; when it is
missing, a copy saved under another name (``01_admissions-Copy1.ipynb``, ``Untitled.ipynb``...) is
taken and renamed, preferring a valid notebook that contains the assignment's cells, then the
newest. Everything else is refused with the reason. A submission already in submitted/ is moved to
``.autograder/archive/`` before it is replaced: nothing a student handed in is ever lost.
"""

import datetime
import difflib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.assignments import grade_ids, nbgrader_meta
from autograder.grade import STUDENT_ID

MAX_ZIP_BYTES = 2 * 1024**3


@dataclass
class CollectReport:
    taken: list = field(default_factory=list)
    renamed: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    replaced: list = field(default_factory=list)

    def lines(self):
        for label, items in (("taken", self.taken), ("renamed", self.renamed), ("replaced", self.replaced),
                             ("refused", self.refused)):
            for item in items:
                yield f"{label:8} {item}"


def _safe_extract(archive, target, report):
    total = 0
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            name = info.filename
            parts = Path(name).parts
            if name.startswith(("/", "\\")) or ".." in parts or (info.external_attr >> 16) & 0o170000 == 0o120000:
                report.refused.append(f"{name}: unsafe path in the zip (absolute, '..' or a link), skipped")
                continue
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                report.refused.append(f"{archive}: larger than {MAX_ZIP_BYTES // 1024**3} GiB unpacked; the rest is skipped")
                return
            zipped.extract(info, target)
            stamp = datetime.datetime(*info.date_time).timestamp()
            path = Path(target) / name
            if path.exists():
                os.utime(path, (stamp, stamp))


def _find_root(folder, assignments):
    """The folder whose children are students (skipping wrapper folders a zip may add)."""
    current = Path(folder)
    for _ in range(3):
        children = [c for c in current.iterdir() if c.is_dir() and not c.name.startswith((".", "__MACOSX"))]
        if any((c / a).is_dir() for c in children for a in assignments):
            return current
        if len(children) == 1:
            current = children[0]
        else:
            break
    return Path(folder)


def _looks_like(path, grade_ids):
    """(is a readable notebook, shares cells with the assignment)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        ids = {nbgrader_meta(c).get("grade_id") for c in nb.get("cells", []) if isinstance(c, dict)}
        return True, bool(ids & grade_ids)
    except (ValueError, UnicodeDecodeError, OSError):
        return False, False


def _choose(notebooks, expected, grade_ids):
    """The notebook to grade among ``notebooks`` for the name ``expected`` (without .ipynb)."""
    exact = [p for p in notebooks if p.stem == expected]
    if exact:
        return exact[0], [p for p in notebooks if p not in exact]

    def rank(path):
        valid, related = _looks_like(path, grade_ids)
        similarity = difflib.SequenceMatcher(None, path.stem.lower(), expected.lower()).ratio()
        return (valid, related, similarity, path.stat().st_mtime)

    ordered = sorted(notebooks, key=rank, reverse=True)
    return ordered[0], ordered[1:]


def _archive(course, student, assignment, report):
    current = course.submitted_dir / student / assignment
    if not current.exists():
        return
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
    target = course.root / ".autograder" / "archive" / stamp / student / assignment
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(current), str(target))
    report.replaced.append(f"{student}/{assignment}: the previous submission was moved to {target.relative_to(course.root)}")


def collect(course, source, out=print):
    """Import submissions from ``source`` (a folder or a .zip); returns a :class:`CollectReport`."""
    source = Path(source)
    report = CollectReport()
    assignments = course.assignments()
    with tempfile.TemporaryDirectory(prefix="collect-") as unpacked:
        if source.is_file() and zipfile.is_zipfile(source):
            _safe_extract(source, unpacked, report)
            folder = Path(unpacked)
        elif source.is_dir():
            folder = source
        else:
            report.refused.append(f"{source}: not a folder or a zip file")
            return report
        root = _find_root(folder, assignments)
        for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "__MACOSX"))):
            student = student_dir.name
            if not STUDENT_ID.match(student):
                report.refused.append(f"{student!r}: not a valid student id (letters, digits and . _ @ + - only); rename the folder")
                continue
            for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
                assignment = assignment_dir.name
                if assignment not in assignments:
                    report.refused.append(f"{student}/{assignment}: no such assignment (known: {', '.join(assignments)})")
                    continue
                notebooks = sorted(p for p in assignment_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
                if not notebooks:
                    report.refused.append(f"{student}/{assignment}: no notebook in the folder")
                    continue
                _archive(course, student, assignment, report)
                target = course.submitted_dir / student / assignment
                target.mkdir(parents=True)
                newest = 0.0
                for expected in (p.stem for p in course.source_notebooks(assignment)):
                    chosen, others = _choose(notebooks, expected, grade_ids(course, assignment, expected))
                    notebooks = [p for p in notebooks if p != chosen]
                    shutil.copy2(chosen, target / f"{expected}.ipynb")
                    newest = max(newest, chosen.stat().st_mtime)
                    if chosen.stem == expected:
                        report.taken.append(f"{student}/{assignment}/{chosen.name}")
                    else:
                        report.renamed.append(f"{student}/{assignment}: {chosen.relative_to(assignment_dir)} -> {expected}.ipynb")
                for ignored in notebooks:
                    report.refused.append(f"{student}/{assignment}/{ignored.relative_to(assignment_dir)}: an extra notebook, not graded")
                submitted_at = datetime.datetime.fromtimestamp(newest, datetime.UTC)
                (target / "timestamp.txt").write_text(submitted_at.strftime("%Y-%m-%d %H:%M:%S.%f %Z"), encoding="utf-8")
    for line in report.lines():
        out(line)
    out(f"collected {len(report.taken) + len(report.renamed)} notebook(s) ({len(report.renamed)} renamed), "
        f"refused {len(report.refused)}, replaced {len(report.replaced)} earlier submission(s)")
    return report
