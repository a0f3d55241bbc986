"""A course directory: where its folders are, its nbgrader configuration, its assignments."""

import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT_PATTERN = re.compile(r"^\d\d_[a-z0-9_]+$")


class CourseError(Exception):
    """A problem with the course directory that the instructor can fix; the message says how."""


@contextmanager
def venv_on_path():
    """Put this interpreter's bin/ first on PATH: nbgrader runs `alembic` to create a gradebook."""
    bin_dir = str(Path(os.sys.executable).parent)
    old = os.environ.get("PATH", "")
    os.environ["PATH"] = bin_dir + os.pathsep + old
    try:
        yield
    finally:
        os.environ["PATH"] = old


@dataclass(frozen=True)
class Course:
    root: Path

    @classmethod
    def at(cls, root=None):
        root = Path(root or REPO_ROOT).resolve()
        if not (root / "nbgrader_config.py").is_file():
            raise CourseError(
                f"{root} is not a course directory: it has no nbgrader_config.py. "
                "Pass --course with the folder that holds source/ and nbgrader_config.py."
            )
        return cls(root)

    @property
    def source_dir(self):
        return self.root / "source"

    @property
    def release_dir(self):
        return self.root / "release"

    @property
    def submitted_dir(self):
        return self.root / "submitted"

    @property
    def autograded_dir(self):
        return self.root / "autograded"

    @property
    def feedback_dir(self):
        return self.root / "feedback"

    @property
    def reports_dir(self):
        return self.root / "reports"

    @property
    def db_url(self):
        """Where the gradebook lives: c.CourseDirectory.db_url of nbgrader_config.py (a SQLite file or a
        database server), else nbgrader's default, gradebook.db in the course folder."""
        return self._db_url(self._file_config())

    def _db_url(self, file_config):
        return file_config.CourseDirectory.get("db_url") or f"sqlite:///{self.root / 'gradebook.db'}"

    @property
    def gradebook_path(self):
        """The gradebook's file when it is a SQLite file; None when it lives on a database server."""
        from autograder.gradebook import sqlite_file

        return sqlite_file(self.db_url)

    @property
    def course_id(self):
        return self._file_config().CourseDirectory.get("course_id") or "default_course"

    def _file_config(self):
        return PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()

    def config(self):
        """nbgrader_config.py of this course, loaded (NbGraderAPI does not read it by itself)."""
        config = self._file_config()
        # The file derives its root from its own location; pin it in case it was copied oddly.
        merged = Config()
        merged.merge(config)
        merged.CourseDirectory.root = str(self.root)
        merged.CourseDirectory.db_url = self._db_url(config)
        return merged

    def assignments(self):
        """Assignment ids found in source/, in course order."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p.name for p in self.source_dir.iterdir() if p.is_dir() and ASSIGNMENT_PATTERN.match(p.name))

    def resolve_assignments(self, requested):
        """The requested assignment ids (all when none), checked against source/."""
        known = self.assignments()
        if not requested:
            return known
        unknown = [a for a in requested if a not in known]
        if unknown:
            raise CourseError(f"No assignment {', '.join(unknown)} in {self.source_dir}. Known: {', '.join(known) or 'none'}.")
        return list(requested)

    def source_notebooks(self, assignment):
        return sorted((self.source_dir / assignment).glob("*.ipynb"))

    def api(self):
        """An NbGraderAPI for this course, with its nbgrader_config.py applied."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        config = self.config()
        return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def make_scratch_course(target, source_course, assignments=None, with_release=True):
    """A fresh course directory at ``target`` with the config, data, sources (and releases) of another."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(source_course.root / "nbgrader_config.py", target / "nbgrader_config.py")
    # A scratch copy (selftest, demo, release, bench) must never write into the course's own gradebook,
    # which may be a shared database server: it gets its own file.
    with open(target / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write("\n# A scratch copy of the course: its own gradebook beside this file, never the course's.\n"
                     "import os as _os\n"
                     "c.CourseDirectory.db_url = 'sqlite:///' + _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), 'gradebook.db')\n")
    if (source_course.root / "data").is_dir():
        shutil.copytree(source_course.root / "data", target / "data")
    for assignment in assignments or source_course.assignments():
        shutil.copytree(source_course.source_dir / assignment, target / "source" / assignment)
        if with_release and (source_course.release_dir / assignment).is_dir():
            shutil.copytree(source_course.release_dir / assignment, target / "release" / assignment)
    return Course.at(target)
