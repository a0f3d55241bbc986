"""The course through its JupyterHub, in a real headless Chromium, as three students and the instructor.

The tests run in file order and share one hub: student1 and student2 submit (student1 with one wrong
answer on purpose), student3 submits nothing, the instructor collects, grades with the course's grader
and releases feedback, the students read it, and the students' limits are checked.
"""

import csv
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import INSTRUCTOR, REPO, STUDENT1, STUDENT2, STUDENT3, TEST_ACCOUNT_PREFIX

COURSE_ID = "intro-neural-networks"
ASSIGNMENT = "01_admissions"
TIMEOUT_MS = 90_000
# One answer wrong on purpose: it passes the visible test and fails the hidden one (the catalogue's case).
WRONG_ACCURACY = REPO / "autograder" / "catalogue" / ASSIGNMENT / "accuracy_lists_compared_whole.py"

pytestmark = pytest.mark.slow


def solution_cells():
    """{grade_id: (cell index in the release notebook, the reference solution's code)}."""
    release = nbformat.read(str(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    source = nbformat.read(str(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    solutions = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            code = re.sub(r"^\s*### (BEGIN|END) SOLUTION\n", "", cell.source, flags=re.MULTILINE)
            solutions[meta["grade_id"]] = code
    return {cell.metadata["nbgrader"]["grade_id"]: (index, solutions[cell.metadata["nbgrader"]["grade_id"]])
            for index, cell in enumerate(release.cells) if cell.metadata.get("nbgrader", {}).get("solution")}


def catalogue_function(path):
    """The answer code of a catalogue case (its docstring header dropped)."""
    text = path.read_text()
    return re.sub(r'^""".*?"""\n', "", text, count=1, flags=re.DOTALL).strip() + "\n"


def as_user(user, *cmd):
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True)


# ---- browser helpers ------------------------------------------------------------------------------------

def login(browser, hub, user):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{hub['url']}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub["password"])
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=TIMEOUT_MS)
    page.wait_for_selector(".jp-LabShell")
    page.wait_for_selector(".jp-DirListing-content")
    return context, page


def lab_url(hub, user, path=""):
    # ?reset: a fresh workspace, so the page shows this document alone (no tabs left from before).
    return f"{hub['url']}/user/{user}/lab/tree/{path}?reset"


def wait_kernel_idle(page):
    page.wait_for_selector(".jp-NotebookPanel")
    page.wait_for_function(
        "() => { const t = document.querySelector('.jp-Notebook-ExecutionIndicator');"
        " return t && t.getAttribute('data-status') === 'idle'; }", timeout=TIMEOUT_MS, polling=500)
    page.wait_for_timeout(1000)  # the kernel dialog, when JupyterLab shows one, comes within a moment
    accept_kernel_dialog(page)


def accept_kernel_dialog(page):
    """JupyterLab sometimes asks which kernel to start for a notebook whose session it is still setting
    up; the notebook's own (Python 3) is preselected."""
    dialog = page.locator(".jp-Dialog:has-text('Select Kernel')")
    if dialog.count():
        dialog.locator("button.jp-mod-accept").click()
        dialog.wait_for(state="detached")


def menu(page, top, command):
    accept_kernel_dialog(page)
    page.click(f".lm-MenuBar-itemLabel:text-is('{top}')")
    page.click(f"li[data-command='{command}']")


def execution_counts(page):
    return page.evaluate(
        "() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]"
        ".map(e => e.textContent.trim())")


def run_all(page):
    """Clear every output (stored lessons have outputs and counts), run all cells, wait until every code
    cell has run: in a fresh kernel, the counts are then exactly [1], [2], ... in order."""
    menu(page, "Edit", "editmenu:clear-all")
    menu(page, "Run", "runmenu:run-all")
    page.wait_for_function(
        "() => { const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];"
        " return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }", timeout=TIMEOUT_MS, polling=500)
    counts = execution_counts(page)
    assert counts == [f"[{i}]:" for i in range(1, len(counts) + 1)], f"not every cell ran once, in order: {counts}"


def error_outputs(page):
    outputs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    return [outputs.nth(i).inner_text() for i in range(outputs.count())]


def save(page):
    menu(page, "File", "docmanager:save")
    page.wait_for_function(
        "() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-mod-dirty')", timeout=TIMEOUT_MS, polling=500)


def open_assignments(page):
    menu(page, "Nbgrader", "nbgrader:open-assignment-list")
    for part in ("released", "fetched", "submitted"):
        page.wait_for_selector(f"#{part}_assignments_list_loading", state="hidden")


def assignment_row(page, part):
    """The row of the assignment in the Assignments tab's ``part`` list (released, fetched, submitted)."""
    return page.locator(f"#{part}_assignments_list .list_item").filter(has_text=ASSIGNMENT).first


def fetch_and_answer(page, steps, user, answers):
    """Fetch the assignment, put ``answers`` {grade_id: code} into its cells, run every cell, save."""
    open_assignments(page)
    assignment_row(page, "released").locator(".item_status button").click()
    assignment_row(page, "fetched").wait_for()
    steps.shot(page, f"{user}_fetched")
    page.goto(lab_url_from(page, f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
    wait_kernel_idle(page)
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    for index, code in answers.values():
        editor = cells.nth(index).locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(code)
    save(page)
    run_all(page)
    return cells


def lab_url_from(page, path):
    base = re.match(r"(.*/user/[^/]+/lab)", page.url).group(1)
    return f"{base}/tree/{path}?reset"


def validate_and_submit(page, steps, user):
    open_assignments(page)
    page.click("#fetched_assignments_list a.assignment-notebooks-link")
    course_row = page.locator(f"#nbgrader-{COURSE_ID}-{ASSIGNMENT}")
    course_row.locator(".list_item button:text('Validate')").first.click()
    dialog = page.locator(".jp-Dialog-content")
    dialog.wait_for()
    text = dialog.inner_text()
    steps.shot(page, f"{user}_validated")
    page.click("button.jp-Dialog-button")
    assert "Success" in text and "passes all" in text, f"validation of {user}'s notebook did not pass:\n{text}"
    page.locator("#fetched_assignments_list .item_status button:text('Submit')").first.click()
    assignment_row(page, "submitted").wait_for()
    steps.shot(page, f"{user}_submitted")


# ---- the scenario ----------------------------------------------------------------------------------------------

SOLUTIONS = solution_cells()
STATE = {}


def test_student1_runs_lesson_01_without_errors(browser, hub, steps):
    with steps.timed("student1 logs in"):
        context, page = login(browser, hub, STUDENT1)
    STATE[STUDENT1] = (context, page)
    with steps.timed("student1 runs lesson 01"):
        page.goto(lab_url(hub, STUDENT1, "lessons/notebooks/01_admissions.ipynb"))
        wait_kernel_idle(page)
        run_all(page)
        errors = error_outputs(page)
    steps.shot(page, "student1_lesson01")
    assert errors == [], f"lesson 01 printed errors on the hub: {errors}"


def test_student1_answers_one_wrong_validates_and_submits(browser, hub, steps):
    context, page = STATE[STUDENT1]
    answers = dict(SOLUTIONS)
    answers["accuracy"] = (SOLUTIONS["accuracy"][0], catalogue_function(WRONG_ACCURACY))
    with steps.timed("student1 fetches, answers and runs the visible tests"):
        fetch_and_answer(page, steps, STUDENT1, answers)
        errors = error_outputs(page)
    steps.shot(page, "student1_answered")
    assert errors == [], f"the visible tests failed on student1's answers (the wrong one should pass them): {errors}"
    with steps.timed("student1 validates and submits"):
        validate_and_submit(page, steps, STUDENT1)


def test_student2_submits_a_perfect_answer(browser, hub, steps):
    with steps.timed("student2 logs in, fetches, answers, validates and submits"):
        context, page = login(browser, hub, STUDENT2)
        STATE[STUDENT2] = (context, page)
        fetch_and_answer(page, steps, STUDENT2, SOLUTIONS)
        assert error_outputs(page) == []
        validate_and_submit(page, steps, STUDENT2)


def test_instructor_collects_grades_and_releases_feedback(browser, hub, steps):
    with steps.timed("instructor logs in and opens formgrader"):
        context, page = login(browser, hub, INSTRUCTOR)
        menu(page, "Nbgrader", "nbgrader:open-formgrader")
        frame_element = page.wait_for_selector(".jp-MainAreaWidget iframe")
        frame = frame_element.content_frame()
        row = frame.locator("tbody tr").filter(has_text=ASSIGNMENT)
        row.wait_for()
        row.scroll_into_view_if_needed()
    steps.shot(page, "instructor_formgrader")
    with steps.timed("instructor collects in formgrader"):
        row.locator("td.collect a").click()
        frame.wait_for_selector("#success-modal")
        log = frame.locator("#success-modal").inner_text()
        frame.locator("#success-modal button").first.click()
        frame.wait_for_selector("#success-modal", state="detached")
        row.locator("td.num-submissions a:text-is('2')").wait_for()
        row.scroll_into_view_if_needed()
    steps.shot(page, "instructor_collected")
    assert STUDENT1 in log and STUDENT2 in log and STUDENT3 not in log

    course = Path(f"/home/{INSTRUCTOR}/{COURSE_ID}")
    with steps.timed("instructor grades with python -m autograder grade"):
        graded = as_user(INSTRUCTOR, "env", f"PATH={hub['prefix']}/env/bin:/usr/bin:/bin", f"HOME=/home/{INSTRUCTOR}",
                         "sh", "-c", f"cd {course} && python -m autograder grade {ASSIGNMENT} --workers 1")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    with open(course / "grades.csv") as grades:
        STATE["grades"] = {row["student_id"]: row for row in csv.DictReader(grades)}

    with steps.timed("instructor releases feedback in formgrader"):
        page.reload()
        page.wait_for_selector(".jp-LabShell")
        menu(page, "Nbgrader", "nbgrader:open-formgrader")
        frame = page.wait_for_selector(".jp-MainAreaWidget iframe").content_frame()
        row = frame.locator("tbody tr").filter(has_text=ASSIGNMENT)
        row.locator("td.release-feedback a").click()
        frame.wait_for_selector("#success-modal")
        log = frame.locator("#success-modal").inner_text()
    steps.shot(page, "instructor_feedback_released")
    assert STUDENT1 in log and STUDENT2 in log
    with steps.timed("instructor sees the scores in formgrader"):
        page.goto(f"{hub['url']}/user/{INSTRUCTOR}/formgrader/manage_submissions/{ASSIGNMENT}")
        page.wait_for_selector(f"td:text-is('{STUDENT1}')")
        page.wait_for_load_state("networkidle")
    steps.shot(page, "instructor_submissions")
    context.close()


@pytest.mark.parametrize("student, expected", [(STUDENT1, 11.0), (STUDENT2, 13.0)])
def test_students_read_their_feedback(browser, hub, steps, student, expected):
    context, page = STATE[student]
    with steps.timed(f"{student} fetches and opens feedback"):
        page.goto(re.match(r"(.*/user/[^/]+/lab)", page.url).group(1) + "?reset")
        page.wait_for_selector(".jp-LabShell")
        open_assignments(page)
        page.locator("#submitted_assignments_list button:text('Fetch Feedback')").first.click()
        page.wait_for_selector("#submitted_assignments_list a:text('(view feedback)')")
        steps.shot(page, f"{student}_feedback_fetched")
        home = Path(f"/home/{student}")
        (html,) = sorted(home.glob(f"{ASSIGNMENT}/feedback/*/{ASSIGNMENT}.html"))
        page.goto(f"{hub['url']}/user/{student}/files/{html.relative_to(home)}")
        page.wait_for_selector("h4")
        text = page.inner_text("body")
        source = page.content()
    steps.shot(page, f"{student}_feedback_page", full_page=True)
    total = re.search(rf"{ASSIGNMENT} \(Score: ([\d.]+) / ([\d.]+)\)", text)
    assert total, text[:2000]
    grades = STATE["grades"][student]
    assert float(total.group(1)) == pytest.approx(float(grades["score"])) == pytest.approx(expected)
    assert float(total.group(2)) == pytest.approx(float(grades["max_score"]))
    hidden_code = _hidden_test_code()
    for line in hidden_code:
        assert line not in source, f"hidden test code reached {student}'s feedback: {line!r}"
    assert "<math" in source, "the feedback's mathematics is not rendered as MathML"
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=.https?://", source), "the feedback page loads something from the internet"
    if student == STUDENT1:
        assert "test_accuracy_hidden" in source
        assert "Hidden test (2 points)" in text and "(hidden test: its code is not shown)" in text
        # The test's cell (its panel and, below it, its output).
        failed = page.locator("code:text-is('test_accuracy_hidden')").locator(
            "xpath=ancestor::div[contains(concat(' ', @class, ' '), ' cell ')][1]")
        shown = failed.inner_text()
        # Its name, its score, the visible comment saying what it checks, and the check's message (the hint).
        assert "Score: 0.0 / 2.0" in shown and "Hidden test (2 points)" in shown, shown
        assert "CheckFailure: accuracy" in shown and "Hint:" in shown, f"the failed hidden test shows no hint:\n{shown}"
        failed.scroll_into_view_if_needed()
        steps.shot(page, "student1_failed_hidden_test")


def _hidden_test_code():
    """Lines that only the hidden parts of the source's test cells contain."""
    source = nbformat.read(str(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    lines = []
    for cell in source.cells:
        match = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", cell.source, flags=re.DOTALL)
        if match:
            lines += [line.strip() for line in match.group(1).splitlines() if len(line.strip()) > 12]
    assert lines, "the assignment has hidden tests"
    return lines


def test_a_student_is_kept_out_of_formgrader_and_others_work(browser, hub, steps):
    context, page = login(browser, hub, STUDENT3)
    reply = page.goto(f"{hub['url']}/user/{STUDENT3}/formgrader")
    assert reply.status == 404
    api = page.request.get(f"{hub['url']}/user/{STUDENT3}/formgrader/api/status")
    assert api.status == 404
    steps.shot(page, "student3_formgrader_404")
    context.close()
    exchange = hub["prefix"] / "exchange" / COURSE_ID
    submissions = sorted((exchange / "inbound").iterdir())
    assert len(submissions) == 2
    forbidden = {
        "the exchange's inbound folder": ["ls", str(exchange / "inbound")],
        "another student's home": ["ls", f"/home/{STUDENT1}"],
        "another student's fetched notebook": ["cat", f"/home/{STUDENT1}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"],
        "the instructor's source notebooks": ["cat", f"/home/{INSTRUCTOR}/{COURSE_ID}/source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"],
        "the instructor's gradebook": ["cat", f"/home/{INSTRUCTOR}/{COURSE_ID}/gradebook.db"],
    }
    for what, cmd in forbidden.items():
        result = as_user(STUDENT3, *cmd)
        assert result.returncode != 0 and "Permission denied" in result.stderr, f"student3 could read {what}"
    # nbgrader makes submitted files world-readable and relies on the unlistable inbound folder with a
    # random suffix in each name: a student who cannot list it cannot name another's submission.
    for submission in submissions:
        assert re.match(rf"{re.escape(TEST_ACCOUNT_PREFIX)}student\d\+{ASSIGNMENT}\+.+\+.{{12}}$", submission.name)
    for student in (STUDENT1, STUDENT2):
        STATE[student][0].close()
