"""What grading found besides scores: typed statuses and flags, the cells a student should not have
touched, and the sandbox witness's report."""

import enum
import json


class Status(enum.StrEnum):
    """A submission's or notebook's outcome (a str, so records and reports keep their plain text)."""

    GRADED = "graded"
    MISSING = "missing"
    UNGRADABLE = "ungradable"


class FlagKind(enum.StrEnum):
    CELLS = "cells"  # test or locked cells deleted, edited, duplicated (nbgrader restored them)
    RESOURCE = "resource"  # a cell stopped by the memory limit or its timeout
    STOPPED = "stopped"  # the runner died or the notebook used up its time cap
    FILES = "files"  # the notebook reached for files outside its folder
    TAMPERING = "tampering"  # the witness saw the checks, the runtime or IPython changed; score withheld
    UNGRADABLE = "ungradable"  # why a notebook could not be graded
    GRADER = "grader"  # a fault of the grader itself, on this submission only
    FEEDBACK = "feedback"
    KEPT = "kept"  # this run failed; an earlier grade stays
    WITHHELD = "withheld"  # the report holds the score back until a person looks


class Flag(str):
    """Something a person should look at: the text the instructor reads, with a ``kind`` that code
    decides on (never the wording)."""

    kind: FlagKind

    def __new__(cls, kind, text):
        flag = super().__new__(cls, text)
        flag.kind = FlagKind(kind)
        return flag

    @property
    def text(self):
        return str.__str__(self)

    def __reduce__(self):  # workers send results through pickle
        return (Flag, (self.kind, self.text))

    def to_json(self):
        return {"kind": self.kind.value, "text": self.text}

    @classmethod
    def from_json(cls, value):
        if isinstance(value, str):  # records written before flags had kinds
            return cls(FlagKind.GRADER, value)
        return cls(value["kind"], value["text"])


def read_report(path, nonce):
    """(files read outside, probe records with this run's nonce) from the runner's report."""
    files, probes = [], []
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record.get("event") == "file" and len(files) < 10:
                files.append(record["path"])
            elif record.get("event") == "probe" and record.get("nonce") == nonce:
                probes.append(record)
    return files, probes


def cell_findings(nb, source_cells):
    """What the student did to cells they should not touch (nbgrader repairs it; a person may want to know)."""
    from nbgrader import utils

    findings = []
    seen = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            seen[grade_id] = seen.get(grade_id, 0) + 1
    for name, source_cell in source_cells.items():
        count = seen.get(name, 0)
        kind = "test cell" if source_cell["grade"] else ("answer cell" if source_cell["solution"] else "locked cell")
        if count == 0 and (source_cell["grade"] or source_cell["solution"]):
            findings.append(f"{kind} {name} was deleted or lost its metadata" + (" (restored)" if source_cell["grade"] else ""))
        elif count > 1:
            findings.append(f"{kind} {name} appears {count} times (duplicated or split; graded once)")
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        name = meta.get("grade_id")
        # The release's own checksum, not the source's: a released test cell lacks its hidden part.
        if (name in source_cells and source_cells[name]["locked"] and not source_cells[name]["solution"]
                and seen.get(name) == 1 and meta.get("checksum") and utils.compute_checksum(cell) != meta["checksum"]):
            findings.append(f"locked cell {name} was edited (restored)")
    return findings
