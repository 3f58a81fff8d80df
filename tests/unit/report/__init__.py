"""Unit tests of pipelines/report/."""
