"""Whole commands and processes: the CLI, concurrent processes, a real browser, the benchmarks."""
