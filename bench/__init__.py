"""Benchmarks: speed and memory (`python -m bench.run`) and scale (`python -m bench.scale`)."""
