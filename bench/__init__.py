"""Benchmarks, evaluation sets and calibration scripts (run from a source checkout; not installed)."""
