"""collect: submissions come in from a folder or a platform's zip, with a clear account of what
was taken, renamed or refused, and nothing a student handed in is ever lost."""

import json
import zipfile

import nbformat
import pytest
from conftest import COURSE

from autograder.collect import collect
from autograder.course import make_scratch_course
from autograder.devtools.simulate import answered_notebook, release_notebook

A = "01_admissions"


@pytest.fixture
def course(tmp_path):
    return make_scratch_course(tmp_path / "course", COURSE, [A])


def put(folder, name, content):
    folder.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else nbformat.writes(content)
    (folder / name).write_text(text, encoding="utf-8")


def submitted(course, student):
    return course.submitted_dir / student / A / f"{A}.ipynb"


def test_folder_with_exact_names_and_copies(course, tmp_path):
    inbound = tmp_path / "inbound"
    put(inbound / "ada" / A, f"{A}.ipynb", answered_notebook(course, A))
    put(inbound / "ada" / A / ".ipynb_checkpoints", f"{A}-checkpoint.ipynb", "{}")
    put(inbound / "bob" / A, f"{A}-Copy1.ipynb", answered_notebook(course, A))
    put(inbound / "cy" / A, "Untitled.ipynb", "not a notebook")
    put(inbound / "cy" / A, f"{A} (1).ipynb", release_notebook(course, A))
    report = collect(course, inbound, out=lambda line: None)
    assert report.taken == [f"ada/{A}/{A}.ipynb"]
    assert f"bob/{A}: {A}-Copy1.ipynb -> {A}.ipynb" in report.renamed
    # Of two candidates, the valid notebook with the assignment's cells wins over a broken file.
    assert f"cy/{A}: {A} (1).ipynb -> {A}.ipynb" in report.renamed
    assert any(line.startswith(f"cy/{A}/Untitled.ipynb: an extra notebook") for line in report.refused)
    assert nbformat.read(str(submitted(course, "bob")), as_version=4).cells
    assert (course.submitted_dir / "ada" / A / "timestamp.txt").read_text().startswith("20")
    assert not (course.submitted_dir / "ada" / A / ".ipynb_checkpoints").exists()


def test_refusals_say_why(course, tmp_path):
    inbound = tmp_path / "inbound"
    put(inbound / "Jane Doe" / A, f"{A}.ipynb", answered_notebook(course, A))
    put(inbound / "eve" / "99_unknown", "x.ipynb", answered_notebook(course, A))
    put(inbound / "eve" / A, "notes.txt", "no notebook here")
    put(inbound / "eve" / "01_admissions", "README.md", "still none")
    report = collect(course, inbound, out=lambda line: None)
    assert not report.taken and not report.renamed
    refused = "\n".join(report.refused)
    assert "'Jane Doe': not a valid student id" in refused
    assert "eve/99_unknown: no such assignment (known: 01_admissions)" in refused
    assert f"eve/{A}: no notebook in the folder" in refused


def test_zip_from_a_platform_with_a_wrapper_folder_and_an_unsafe_entry(course, tmp_path):
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"export-2026/ada/{A}/{A}.ipynb", nbformat.writes(answered_notebook(course, A)))
        zipped.writestr(f"export-2026/bob/{A}/Copy of {A}.ipynb", nbformat.writes(answered_notebook(course, A)))
        zipped.writestr("../../outside.ipynb", "{}")
    report = collect(course, archive, out=lambda line: None)
    assert report.taken == [f"ada/{A}/{A}.ipynb"] and len(report.renamed) == 1
    assert any("unsafe path in the zip" in line for line in report.refused)
    assert not (tmp_path / "outside.ipynb").exists() and not (course.root.parent / "outside.ipynb").exists()
    assert submitted(course, "bob").is_file()


def test_a_new_submission_replaces_the_old_one_which_is_archived(course, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    put(first / "ada" / A, f"{A}.ipynb", release_notebook(course, A))
    put(second / "ada" / A, f"{A}.ipynb", answered_notebook(course, A))
    collect(course, first, out=lambda line: None)
    old = submitted(course, "ada").read_text()
    report = collect(course, second, out=lambda line: None)
    assert len(report.replaced) == 1 and submitted(course, "ada").read_text() != old
    archived = list((course.root / ".autograder" / "archive").rglob(f"{A}.ipynb"))
    assert len(archived) == 1 and archived[0].read_text() == old


def test_a_path_that_is_neither_folder_nor_zip(course, tmp_path):
    (tmp_path / "grades.txt").write_text("hello")
    report = collect(course, tmp_path / "grades.txt", out=lambda line: None)
    assert report.refused == [f"{tmp_path / 'grades.txt'}: not a folder or a zip file"]


def test_cli_collect_prints_the_account_and_fails_when_nothing_was_taken(course, tmp_path, capsys):
    from autograder.cli import main

    inbound = tmp_path / "inbound"
    put(inbound / "ada" / A, f"{A}-Copy2.ipynb", json.dumps(nbformat.v4.new_notebook()))
    assert main(["--course", str(course.root), "collect", str(inbound)]) == 0
    output = capsys.readouterr().out
    assert f"renamed  ada/{A}: {A}-Copy2.ipynb -> {A}.ipynb" in output and "collected 1 notebook(s) (1 renamed)" in output
    assert main(["--course", str(course.root), "collect", str(tmp_path / "empty")]) == 1
