"""nbgrader configuration of the course. Paths are relative to this file (the repository root),
so `nbgrader` and `python -m autograder` work from any checkout without editing."""

import os

c = get_config()  # noqa: F821 (nbgrader provides get_config when it loads this file)

COURSE_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "intro-neural-networks"
c.CourseDirectory.root = COURSE_ROOT
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(COURSE_ROOT, "gradebook.db")
# Assignments are NN_topic folders; anything else under source/ is not an assignment.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# A student's stub and nbgrader's markers, identical in every assignment.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Per-cell limit: the slowest solution cell runs in well under a second; an infinite loop
# is interrupted after this many seconds and only its own cell loses points.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# ipykernel 7 warns on every start that its (localhost) connection is not encrypted: one line per
# notebook would bury nbgrader's own messages when a class is graded.
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]

# A correct answer may print a warning (np.exp overflowing to inf inside a naive sigmoid,
# a pandas FutureWarning) or debug text to stderr. nbgrader gives zero to any test cell with
# stderr output, so every stderr stream is dropped before grading. Failures are never on
# stderr: they are error outputs, which this does not touch.
c.IgnorePattern.pattern = r"[\s\S]*"
c.IgnorePattern.enabled = True

# A student who deletes a test cell, or strips its metadata, gets it back (and is graded on it).
c.OverwriteCells.add_missing_cells = True

# Keep a runaway print loop from producing a notebook of gigabytes.
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
