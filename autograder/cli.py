"""Command line: python -m autograder {release,collect,grade,selftest,demo}."""

import argparse
import sys

from autograder.course import Course, CourseError


def _release(args):
    from autograder.release import release

    return 0 if release(Course.at(args.course), args.assignments) else 1


def _selftest(args):
    from autograder.catalogue import load_cases

    course = Course.at(args.course)
    cases = load_cases(course.resolve_assignments(args.assignments))
    if args.quick:
        from autograder.quickcheck import quickcheck

        return 0 if quickcheck(course, cases) else 1
    from autograder.selftest import selftest

    return 0 if selftest(course, cases, workers=args.workers) else 1


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    parser.add_argument("--course", default=None, help="the course directory (default: this repository)")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("release", help="generate student versions into release/ and prove them")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all in source/)")
    p.set_defaults(run=_release)
    p = commands.add_parser("selftest", help="run the catalogue of wrong and correct answers through the real autograde")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--quick", action="store_true", help="only execute the source with each case substituted (authoring aid)")
    p.add_argument("--workers", type=int, default=None, help="parallel grading processes (default: the core count)")
    p.set_defaults(run=_selftest)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
