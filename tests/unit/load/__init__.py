"""Unit tests of pipelines/load/."""
