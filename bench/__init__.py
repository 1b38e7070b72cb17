"""Benchmarks (not tests): `make bench` runs the scenarios of BENCHMARKS.md and prints one table."""
