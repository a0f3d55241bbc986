"""The course's gradebook, wherever it lives, opened with a clear message when it cannot be.

nbgrader keeps its gradebook in any database SQLAlchemy reaches: a SQLite file by default, or a
PostgreSQL server (``c.CourseDirectory.db_url = "postgresql+psycopg2://grader@db.example.org/intro_nn"``
in nbgrader_config.py), which lets formgrader, several grading runs and several graders share it.
Everything in the course opens it through :func:`open_gradebook`, so a server that is down, a database
that does not exist or a refused password ends in one message naming the URL (password masked) and
the fix, never a SQLAlchemy traceback; what was committed before stays committed.
"""

import contextlib
import time
from contextlib import contextmanager
from pathlib import Path

from nbgrader.api import Base, BaseCell, Gradebook, InvalidEntry, Notebook, SubmittedNotebook
from sqlalchemy import create_engine, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, ProgrammingError

from autograder.course import CourseError

# The rows a worker needs to grade: the assignments' definitions, none of the students' data.
DEFINITION_TABLES = ("course", "assignment", "notebook", "base_cell", "source_cell", "grade_cells",
                     "solution_cells", "task_cells")
# Two runs opening a new, empty gradebook at the same moment both create its tables: one of them
# loses that race with a duplicate-table error and simply opens it again.
CREATION_ATTEMPTS = 5
COPY_BATCH = 5000


class GradebookUnavailable(CourseError):
    """The gradebook's database cannot be reached or used; the message names it and the fix."""


def masked(url):
    """The URL as it may be shown: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def without_password(url):
    """The URL to write into nbgrader_config.py: libpq then takes the password from ~/.pgpass."""
    parsed = make_url(url)
    return URL.create(parsed.drivername, parsed.username, None, parsed.host, parsed.port, parsed.database,
                      parsed.query).render_as_string(hide_password=False)


def sqlite_file(url):
    """The file of a SQLite gradebook, or None when the gradebook lives on a server (or in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _hide(text, url):
    password = None
    with contextlib.suppress(ArgumentError):
        password = make_url(url).password
    return text.replace(str(password), "***") if password else text


def explain(url, error):
    """A message for an instructor: which gradebook, what went wrong, what to do."""
    shown = masked(url)
    where = f"the gradebook {shown} (c.CourseDirectory.db_url in nbgrader_config.py)"
    if isinstance(error, ArgumentError):
        return f"{where}: c.CourseDirectory.db_url is not a database URL: write it as postgresql+psycopg2://USER@HOST:PORT/DATABASE or sqlite:////path/gradebook.db."
    if isinstance(error, NoSuchModuleError | ModuleNotFoundError):
        return (f"{where} needs a database driver that is not installed ({error}). The course installs psycopg2 "
                "(the lock's 'scale' extra, `make .venv/.installed`): write the URL as "
                "postgresql+psycopg2://USER@HOST:PORT/DATABASE (a bare postgresql:// asks SQLAlchemy for psycopg 3).")
    detail = getattr(error, "orig", None) or error
    first = " ".join(str(detail).split("\n")[0].split()) or type(detail).__name__
    first = _hide(first, url)
    lowered = str(detail).lower()
    parsed = make_url(url)
    if "does not exist" in lowered and "database" in lowered:
        fix = (f"create it once, as a PostgreSQL account allowed to: createdb -h {parsed.host or 'localhost'} "
               f"-p {parsed.port or 5432} -U {parsed.username or 'postgres'} {parsed.database}")
    elif "password authentication failed" in lowered or "no password supplied" in lowered:
        fix = (f"check the account {parsed.username!r} and its password (keep the password in ~/.pgpass, "
               "not in nbgrader_config.py)")
    elif "permission denied" in lowered:
        fix = f"grant the account {parsed.username!r} the right to create tables in the database {parsed.database!r}"
    elif isinstance(error, DBAPIError) and parsed.get_backend_name() != "sqlite":
        fix = (f"check that the database server is running and accepts connections at {parsed.host or 'localhost'} "
               f"port {parsed.port or 5432} (pg_isready -h {parsed.host or 'localhost'} -p {parsed.port or 5432})")
    else:
        fix = "check the URL and that the file's folder exists and is writable"
    return f"cannot use {where}: {first}. What to do: {fix}. Nothing recorded so far is lost; run the command again when it is fixed."


def _connect(url, course_id):
    for attempt in range(CREATION_ATTEMPTS):
        try:
            return Gradebook(url, course_id)
        except (IntegrityError, ProgrammingError, InvalidEntry):
            if attempt == CREATION_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


@contextmanager
def open_gradebook(url, course_id="default_course"):
    """nbgrader's Gradebook at ``url``; any failure to reach or use the database raises GradebookUnavailable."""
    try:
        gradebook = _connect(url, course_id)
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError, DBAPIError) as error:
        raise GradebookUnavailable(explain(url, error)) from None
    try:
        yield gradebook
    except DBAPIError as error:
        if isinstance(error, IntegrityError):
            raise
        raise GradebookUnavailable(explain(url, error)) from None
    finally:
        with contextlib.suppress(DBAPIError):
            gradebook.close()


def joined_to_cells(query, kind):
    """``query`` over ``kind`` (nbgrader's Grade or Comment) joined to each row's cell (``BaseCell``) and its
    notebook (``Notebook``), so that it can select or filter by their names: one query for a whole submission
    or assignment, where nbgrader's ``find_grade`` and ``find_comment`` ask once per cell."""
    return (query.join(BaseCell, BaseCell.id == kind.cell_id)
            .join(SubmittedNotebook, SubmittedNotebook.id == kind.notebook_id)
            .join(Notebook, Notebook.id == SubmittedNotebook.notebook_id))


def _copy_rows(source_url, target_url, tables):
    """Copy every row of ``tables`` (in this order, ids kept) from one gradebook into another, in one
    transaction on each side (a consistent snapshot of a PostgreSQL source). Returns {table: rows}."""
    source_engine = create_engine(source_url)
    target_engine = create_engine(target_url)
    counts = {}
    try:
        isolation = {"isolation_level": "REPEATABLE READ"} if source_engine.dialect.name == "postgresql" else {}
        with source_engine.connect().execution_options(**isolation) as source, target_engine.begin() as target:
            for name in tables:
                table = Base.metadata.tables[name]
                present = set(target.scalars(select(table.c.id))) if name == "course" else set()
                counts[name] = 0
                rows = source.execution_options(stream_results=True, yield_per=COPY_BATCH).execute(select(table))
                for batch in rows.partitions():
                    batch = [dict(row._mapping) for row in batch if row.id not in present]
                    if batch:
                        target.execute(table.insert(), batch)
                        counts[name] += len(batch)
    finally:
        source_engine.dispose()
        target_engine.dispose()
    return counts


def snapshot_definitions(url, target):
    """Copy the assignments' definitions (cells, checksums, points) into a new SQLite file for the workers.

    Workers then grade without credentials or a connection to the course's database, whatever it is.
    Returns the copy's URL.
    """
    target_url = f"sqlite:///{Path(target)}"
    # nbgrader's tables made directly: a new gradebook would also be stamped with its schema version,
    # which costs a run of the `alembic` command, and a throw-away copy is never upgraded.
    engine = create_engine(target_url)
    Base.metadata.create_all(engine)
    engine.dispose()
    try:
        _copy_rows(url, target_url, DEFINITION_TABLES)
    except DBAPIError as error:
        raise GradebookUnavailable(explain(url, error)) from None
    with open_gradebook(target_url):
        pass  # nbgrader's default course, which its preprocessors insert when missing: the workers only read
    return target_url


def copy_gradebook(source_url, target_url, course_id="default_course"):
    """Copy a whole gradebook (assignments, students, submissions, every score and comment, manual ones
    included) into an empty database, e.g. a SQLite file into PostgreSQL. nbgrader itself only imports
    students and assignments from CSV, not grades. Returns {table: rows copied}."""
    with open_gradebook(source_url, course_id):
        pass  # reachable, and in nbgrader's current schema
    with open_gradebook(target_url, course_id) as target:
        if target.assignments or target.students:
            raise CourseError(f"the gradebook {masked(target_url)} already holds assignments or students: "
                              "copy only into a new, empty database (create one with createdb)")
    try:
        return _copy_rows(source_url, target_url, [t.name for t in Base.metadata.sorted_tables])
    except DBAPIError as error:
        detail = _hide(_hide(" ".join(str(error.orig).split()), source_url), target_url)
        raise GradebookUnavailable(f"copying {masked(source_url)} to {masked(target_url)} failed ({detail}); "
                                   "nothing was written to the new database, so the copy can simply be run again") from None
