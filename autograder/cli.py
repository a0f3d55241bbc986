"""Command line: python -m autograder {release,collect,grade,feedback,copy-gradebook,selftest,demo}."""

import argparse
import sys

from autograder.course import Course, CourseError
from autograder.grading.jail import JailUnavailable


def _release(args):
    from autograder.release import release

    return 0 if release(Course.at(args.course), args.assignments) else 1


def _selftest(args):
    from autograder.devtools.catalogue import load_cases

    course = Course.at(args.course)
    cases = load_cases(course.resolve_assignments(args.assignments))
    if args.quick:
        from autograder.devtools.quickcheck import quickcheck

        return 0 if quickcheck(course, cases) else 1
    from autograder.devtools.selftest import selftest

    return 0 if selftest(course, cases, workers=args.workers) else 1


def _collect(args):
    from autograder.collect import collect

    report = collect(Course.at(args.course), args.path)
    return 0 if (report.taken or report.renamed) else 1


def _demo(args):
    from autograder.devtools.demo import demo

    demo(Course.at(args.course), target=args.target, workers=args.workers)
    return 0


def _feedback(args):
    from autograder.feedback import regenerate

    pages = regenerate(Course.at(args.course), args.assignments or None)
    print(f"wrote {len(pages)} feedback page(s) with the gradebook's scores and comments (hidden tests redacted)")
    return 0


def _grade(args):
    from autograder.grade import grade_course
    from autograder.report import write_report

    course = Course.at(args.course)
    memory = int(args.memory_limit * 1024**3) if args.memory_limit is not None else None
    options = {"workers": args.workers, "feedback": not args.no_feedback, "skip_graded": args.skip_graded,
                   "memory_bytes": memory, "time_cap": args.time_cap, "jail": False if args.no_jail else None}
    if args.scheduler:
        from autograder.grading.cluster import ClusterError, SchedulerLost

        try:
            results = grade_course(course, args.assignments, scheduler=args.scheduler, **options)
        except ClusterError as error:
            print(f"error: {error}", file=sys.stderr)
            return 3 if isinstance(error, SchedulerLost) else 2
    else:
        results = grade_course(course, args.assignments, **options)
    rows, paths = write_report(course, args.assignments or None)
    print_summary(rows, paths, results)
    return 0


def _copy_gradebook(args):
    from autograder.gradebook import copy_gradebook, masked, without_password

    course = Course.at(args.course)
    counts = copy_gradebook(course.db_url, args.url, course.course_id)
    print(f"copied {masked(course.db_url)} into {masked(args.url)}: {counts['assignment']} assignment(s), "
          f"{counts['student']} student(s), {counts['submitted_assignment']} submission(s), {counts['grade']} grade(s), "
          f"{counts['comment']} comment(s).")
    print(f"Now point the course at it: c.CourseDirectory.db_url = {without_password(args.url)!r} in "
          "nbgrader_config.py, with the password in ~/.pgpass rather than in that file.")
    return 0


def print_summary(rows, paths, results=()):
    graded = sum(r.status == "graded" for r in rows)
    flagged = [r for r in rows if r.status != "missing" and (r.flags or r.status != "graded")]
    print(f"{len(results)} submission(s) graded this run; report covers {len(rows)} student-assignment pair(s): "
          f"{graded} graded, {sum(r.status == 'ungradable' for r in rows)} ungradable, "
          f"{sum(r.status == 'missing' for r in rows)} missing; {len(flagged)} flagged for a person to look at.")
    for name, path in paths.items():
        print(f"  {name:9} {path}")


def build_parser():
    # Global options are accepted before and after the subcommand (``grade --course X`` as well).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--course", default=argparse.SUPPRESS, help="the course directory (default: this repository)")
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    parser.add_argument("--course", dest="global_course", default=None, help="the course directory (default: this repository)")
    commands = parser.add_subparsers(dest="command", required=True)
    add_parser = commands.add_parser

    def with_common(name, **kwargs):
        return add_parser(name, parents=[common], **kwargs)

    commands.add_parser = with_common
    p = commands.add_parser("release", help="generate student versions into release/ and prove them")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all in source/)")
    p.set_defaults(run=_release)
    p = commands.add_parser("collect", help="import submissions (<student>/<assignment>/*.ipynb) from a folder or a zip")
    p.add_argument("path", help="a folder or a .zip downloaded from the learning platform")
    p.set_defaults(run=_collect)
    p = commands.add_parser("grade", help="autograde everything submitted, write feedback and the report")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--workers", type=int, default=None, help="parallel grading processes (default: the core count)")
    p.add_argument("--no-feedback", action="store_true", help="skip the feedback HTML")
    p.add_argument("--memory-limit", type=float, default=None,
                   help="memory limit per process of a submission in GiB (default: c.Grading.memory_bytes, else 2)")
    p.add_argument("--time-cap", type=int, default=None,
                   help="seconds a whole notebook may run (default: c.Grading.time_cap, else 4 cell timeouts, at least 120)")
    p.add_argument("--no-jail", action="store_true",
                   help="grade without the bubblewrap jail (submitted code then runs with your rights; only for trusted code)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="grade on the Dask cluster of this scheduler (e.g. tcp://10.0.0.5:8786) instead of local "
                        "processes; see docs/grading-on-a-cluster.md")
    p.add_argument("--skip-graded", action="store_true",
                   help="grade only submissions without a result recorded for their current timestamp "
                        "(to finish an interrupted run)")
    p.set_defaults(run=_grade)
    p = commands.add_parser("feedback", help="render feedback again from the gradebook (after grading by hand in formgrader)")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.set_defaults(run=_feedback)
    p = commands.add_parser("copy-gradebook", help="copy the course's gradebook, every grade included, into a new, empty database")
    p.add_argument("url", help="the new gradebook, e.g. postgresql+psycopg2://grader@db.example.org/intro_nn")
    p.set_defaults(run=_copy_gradebook)
    p = commands.add_parser("demo", help="release, simulate a class of 30, collect, grade and report, in demo-course/")
    p.add_argument("--target", default=None, help="the scratch course folder (default: demo-course/ in the course)")
    p.add_argument("--workers", type=int, default=None, help="parallel grading processes (default: the core count)")
    p.set_defaults(run=_demo)
    p = commands.add_parser("selftest", help="run the catalogue of wrong and correct answers through the real autograde")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--quick", action="store_true", help="only execute the source with each case substituted (authoring aid)")
    p.add_argument("--workers", type=int, default=None, help="parallel grading processes (default: the core count)")
    p.set_defaults(run=_selftest)
    return parser


def main(argv=None):
    from autograder.course import venv_on_path

    args = build_parser().parse_args(argv)
    if not hasattr(args, "course"):
        args.course = args.global_course
    try:
        with venv_on_path():
            return args.run(args)
    except (CourseError, JailUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
