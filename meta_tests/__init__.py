"""Tests of the harness itself: strategies, statistics helpers, plugin, report."""
