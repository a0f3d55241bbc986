import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests judge values, never speed: a shared 2-core CI machine must not turn a slow
# example into a failure.
settings.register_profile("course", deadline=None)
settings.load_profile("course")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course import Course  # noqa: E402

# Kernels started by tests must find this environment's python and nbgrader's `alembic`.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
os.environ.setdefault("NNHELPERS_PROGRESS", "off")
os.environ.setdefault("MPLBACKEND", "Agg")

COURSE = Course.at(ROOT)
ASSIGNMENTS = COURSE.assignments()
LESSONS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def processes_with(marker):
    """PIDs of the processes whose command line contains ``marker`` (what a test's submission started)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


@pytest.fixture(scope="session")
def course():
    return COURSE
