"""nbgrader's preprocessors around a notebook's run, as ``nbgrader autograde`` applies them, made cheap to repeat.

Before the run: outputs cleared, duplicate cell ids removed, the instructor's kernelspec and cells restored from
the gradebook, the cells' nbgrader metadata checked. After it: the course's ignored stderr patterns and the
output limit. The logic is nbgrader's own; two of its costs are paid once per worker instead of once per
notebook (together about a third of the grading process's time a notebook):

- the gradebook snapshot of the run is opened once (``source_gradebook``). nbgrader's ``OverwriteCells`` and
  ``OverwriteKernelspec`` each opened it for every notebook, and opening one checks every table;
- nbgrader's metadata schema is checked once (``CheckCompiledCellMetadata``). ``jsonschema.validate``, which
  nbgrader calls for every cell, first checks the schema itself against JSON Schema's meta-schema.
"""

import atexit
import json
import traceback

import jsonschema
from nbgrader.api import Gradebook
from nbgrader.nbgraderformat import MetadataValidator, SchemaTooNewError, SchemaTooOldError, ValidationError
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
)

_OPENED = {}  # "db_url", "gradebook" and its "lookups": the snapshot this worker has open


class SnapshotLookups:
    """A gradebook whose ``find_*`` answers are kept: the snapshot does not change while a run lasts, and every
    submission of an assignment asks for the same cells."""

    def __init__(self, gradebook):
        self._gradebook = gradebook
        self._found = {}

    def __getattr__(self, name):
        attribute = getattr(self._gradebook, name)
        if not name.startswith("find_"):
            return attribute

        def find(*args):
            if (name, args) not in self._found:
                self._found[(name, args)] = attribute(*args)  # MissingEntry is raised, and asked again next time
            return self._found[(name, args)]

        return find


def source_gradebook(db_url):
    """The run's gradebook snapshot, opened once for this process (it is only read while a run lasts)."""
    if _OPENED.get("db_url") != db_url:
        close_source_gradebook()
        _OPENED["gradebook"] = Gradebook(db_url)
        _OPENED["lookups"] = SnapshotLookups(_OPENED["gradebook"])
        _OPENED["db_url"] = db_url
    return _OPENED["lookups"]


def close_source_gradebook():
    gradebook = _OPENED.pop("gradebook", None)
    _OPENED.clear()
    if gradebook is not None:
        gradebook.close()


atexit.register(close_source_gradebook)


class OverwriteCellsFromOpenGradebook(OverwriteCells):
    """nbgrader's ``OverwriteCells`` (its ``preprocess``, with the gradebook already open)."""

    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        self.gradebook = source_gradebook(self.db_url)
        nb, resources = super(OverwriteCells, self).preprocess(nb, resources)
        if self.add_missing_cells:
            nb, resources = self.add_missing_grade_cells(nb, resources)
            nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


def overwrite_kernelspec(nb, resources):
    """nbgrader's ``OverwriteKernelspec``: the source notebook's kernelspec, when it has one, replaces the submitted."""
    meta = resources["nbgrader"]
    kernelspec = source_gradebook(meta["db_url"]).find_notebook(meta["notebook"], meta["assignment"]).kernelspec
    kernelspec = json.loads(kernelspec) if kernelspec is not None else None
    if kernelspec:
        nb.metadata["kernelspec"] = kernelspec
    return nb, resources


class _CompiledSchemaChecks(BaseMetadataValidator):
    """nbgrader's per-cell schema check (``BaseMetadataValidator.validate_cell``), with the validator made once."""

    _compiled = {}

    def validate_cell(self, cell):
        if "nbgrader" not in cell.metadata:
            return
        schema = cell.metadata["nbgrader"].get("schema_version", 0)
        if schema < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {schema} (expected {self.schema_version})",
                                    schema, self.schema_version)
        if schema > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {schema} (expected {self.schema_version})",
                                    schema, self.schema_version)
        if self.schema_version not in self._compiled:
            kind = jsonschema.validators.validator_for(self.schema)
            kind.check_schema(self.schema)
            self._compiled[self.schema_version] = kind(self.schema)
        # What jsonschema.validate raises, without checking the schema again.
        error = jsonschema.exceptions.best_match(self._compiled[self.schema_version].iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class CompiledMetadataValidator(MetadataValidator, _CompiledSchemaChecks):
    """nbgrader's current metadata validator; its ``super().validate_cell`` reaches the compiled check."""


class CheckCompiledCellMetadata(CheckCellMetadata):
    """nbgrader's ``CheckCellMetadata`` with ``CompiledMetadataValidator``: same checks, same messages."""

    def preprocess(self, nb, resources):
        try:
            CompiledMetadataValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg) from None
        return nb, resources


def prepared_for_running(nb, resources, config):
    """What ``autograde`` does to a submission before running it (see the module's doc)."""
    for preprocessor in (ClearOutput, DeduplicateIds):
        nb, resources = preprocessor(config=config).preprocess(nb, resources)
    # DeduplicateIds empties the metadata of every extra copy of a cell; nbgrader 0.9 then fails on
    # those cells (the "one duplicated cell aborts the whole run" bug). Dropping the empty metadata
    # makes each copy a plain cell, so the submission is graded with the copy that kept its id.
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", None) == {}:
            del cell.metadata["nbgrader"]
    nb, resources = overwrite_kernelspec(nb, resources)
    for preprocessor in (OverwriteCellsFromOpenGradebook, CheckCompiledCellMetadata):
        nb, resources = preprocessor(config=config).preprocess(nb, resources)
    return nb, resources


def outputs_filtered(nb, resources, config):
    """nbgrader's preprocessors after the run: the course's ignored stderr patterns, the output limit."""
    for preprocessor in (IgnorePattern, LimitOutput):
        nb, resources = preprocessor(config=config).preprocess(nb, resources)
    return nb, resources
