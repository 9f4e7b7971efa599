"""The trivial node B1 runs through the runtime path (bench/bench_b1_dispatch_overhead.py)."""
