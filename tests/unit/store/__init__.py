"""Unit tests of pipelines/store/."""
