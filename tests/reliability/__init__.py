"""The long reliability runs behind `make reliability` and `make fuzz` (issue 9).

Each category module exposes `run(cases, seed, workdir) -> Summary`. The default test run calls
them with a handful of cases (tests/reliability/test_reliability_*.py); `python -m tests.reliability.report`
calls them with the long counts and writes RELIABILITY.md from what they return.
"""
