"""Unit tests of pipelines/advisors/."""
