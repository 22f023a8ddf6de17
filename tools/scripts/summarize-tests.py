"""Sums up GoogleTest JSON reports and a lit JSON report.

Usage: summarize-tests.py [--gtest NAME REPORT STATUS]... --lit REPORT STATUS

NAME is the test binary, REPORT the file it wrote (--gtest_output=json:...,
lit's --output), STATUS its exit status. Prints one line per runner, the
failing tests, and as the very last line `tests: N passed, N failed` (all
GoogleTest binaries plus lit). lit's UNSUPPORTED, XFAIL, SKIPPED and EXCLUDED
results count as neither passed nor failed; they are listed on the lit line.
A runner that left no readable report, or exited non-zero without reporting
a failed test (a crash, a lit configuration error), counts as one failure.
Exits 1 if anything failed, else 0. Standard library only.
"""

import argparse
import json
import sys

# lit result codes, by how they count.
LIT_PASSED = {"PASS", "FLAKYPASS"}
LIT_NEITHER = {"UNSUPPORTED", "XFAIL", "SKIPPED", "EXCLUDED"}
# Everything else (FAIL, XPASS, UNRESOLVED, TIMEOUT, ...) is a failure.


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


class Result:
    def __init__(self, name, status):
        self.name = name
        self.status = status
        self.passed = 0
        self.failed = []  # names of failed tests
        self.others = {}  # result kind -> count, neither passed nor failed
        self.note = None  # why there is no report

    def extra_failure(self):
        """1 when the runner failed without naming a failed test."""
        return 1 if self.note or (self.status != 0 and not self.failed) else 0

    def num_failed(self):
        return len(self.failed) + self.extra_failure()

    def line(self):
        text = f"{self.name}: {self.passed} passed, {self.num_failed()} failed"
        for kind in sorted(self.others):
            text += f", {self.others[kind]} {kind}"
        if self.note:
            text += f" [{self.note}]"
        return text


def summarize_gtest(name, path, status):
    result = Result(name, status)
    report = load(path)
    if report is None:
        result.note = f"no readable report (exit status {status})"
        return result
    for suite in report.get("testsuites", []):
        for test in suite.get("testsuite", []):
            test_name = f"{suite.get('name')}.{test.get('name')}"
            if test.get("failures"):
                result.failed.append(test_name)
            elif test.get("status") == "NOTRUN" or test.get("result") in (
                    "SKIPPED", "SUPPRESSED"):
                result.others["skipped"] = result.others.get("skipped", 0) + 1
            else:
                result.passed += 1
    return result


def summarize_lit(path, status):
    result = Result("lit", status)
    report = load(path)
    if report is None:
        result.note = f"no readable report (exit status {status})"
        return result
    for test in report.get("tests", []):
        code = test.get("code", "UNRESOLVED")
        if code in LIT_PASSED:
            result.passed += 1
        elif code in LIT_NEITHER:
            kind = code.lower()
            result.others[kind] = result.others.get(kind, 0) + 1
        else:
            result.failed.append(f"{test.get('name')} ({code})")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gtest", nargs=3, action="append", default=[],
                        metavar=("NAME", "REPORT", "STATUS"))
    parser.add_argument("--lit", nargs=2, required=True,
                        metavar=("REPORT", "STATUS"))
    args = parser.parse_args()

    results = [summarize_gtest(name, path, int(status))
               for name, path, status in args.gtest]
    results.append(summarize_lit(args.lit[0], int(args.lit[1])))

    for result in results:
        print(result.line())
    for result in results:
        if result.extra_failure() and not result.note:
            print(f"  {result.name} exited with status {result.status} "
                  "without reporting a failed test")
        for name in result.failed:
            print(f"  FAILED ({result.name}): {name}")

    passed = sum(result.passed for result in results)
    failed = sum(result.num_failed() for result in results)
    print(f"tests: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
