"""The instructor's grading tool around nbgrader: release, collect, grade, selftest, demo.

Run it as ``python -m autograder COMMAND`` from the repository (see ``--help``). It is not
installed into students' environments: neither this code nor its catalogue of answers.
"""
