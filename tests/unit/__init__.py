"""Unit tests, one folder per room of pipelines/."""
