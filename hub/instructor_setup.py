"""Run by hub/hubctl.py as the instructor, in the course folder: the roster into the gradebook, and every
proven student version (release/) into the exchange. One process instead of one `nbgrader` per step.

usage: python instructor_setup.py STUDENT...
"""

import sys
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.apps.baseapp import NbGrader


def main(students):
    app = NbGrader()
    app.initialize([])  # the hub's nbgrader_config.py (exchange, course id) and the course's own
    api = NbGraderAPI(coursedir=app.coursedir, config=app.config)
    with Gradebook(app.coursedir.db_url, app.coursedir.course_id) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)
    outbound = Path(app.config.Exchange.root) / app.coursedir.course_id / "outbound"
    failed = 0
    for assignment in sorted(p.name for p in Path("release").iterdir() if p.is_dir()):
        if (outbound / assignment).is_dir():
            continue
        result = api.release_assignment(assignment)
        if not result["success"]:
            print(f"releasing {assignment} failed: {result.get('error')}\n{result.get('log')}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
