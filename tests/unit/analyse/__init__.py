"""Unit tests of pipelines/analyse/."""
