"""The limits a submission is graded under, from one place.

Defaults are in :class:`autograder.grading.jail.Limits`. A course changes them in ``nbgrader_config.py``
(``c.Execute.timeout`` for the per-cell limit, ``c.Grading.<field>`` for the others, e.g.
``c.Grading.memory_bytes = 1024**3`` or ``c.Grading.jail = False``), and the command line
overrides both (``--memory-limit``, ``--time-cap``, ``--no-jail``).
"""

import dataclasses

from autograder.grading.jail import Limits

FIELDS = {f.name for f in dataclasses.fields(Limits)}


def limits_for(config, **overrides):
    """The Limits of a course's config with the given overrides (None means "not given")."""
    values = {}
    timeout = config.Execute.get("timeout") if "Execute" in config else None
    if timeout:
        values["cell_timeout"] = int(timeout)
    section = config.Grading if "Grading" in config else {}
    unknown = set(section) - FIELDS
    if unknown:
        from autograder.course import CourseError

        raise CourseError(f"nbgrader_config.py sets unknown grading limit(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(sorted(FIELDS))}")
    values.update({name: section[name] for name in section})
    values.update({name: value for name, value in overrides.items() if value is not None})
    unknown = set(values) - FIELDS
    if unknown:
        raise TypeError(f"unknown limit(s) {', '.join(sorted(unknown))}")
    if "time_cap" not in values:
        values["time_cap"] = max(120, 4 * values.get("cell_timeout", Limits.cell_timeout))
    values = {name: (bool(v) if name == "jail" else int(v)) for name, v in values.items()}
    return Limits(**values)
