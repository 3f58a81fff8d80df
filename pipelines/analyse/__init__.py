"""Analysis: funnel, rates, timing, comparisons, statistics, what a log records, the diagnosis."""
