"""Scenario sweeps: an experiment file → a design of runs → a resumable, checksummed Parquet store → analysis.

experiment  read and check an experiment file (and its size) before anything runs
designs     full grid, Latin hypercube, Saltelli
store       the sweep folder: part files, manifest with checksums, failures, lock, summary
worker      one run in a worker process: scenario + seed → a tidy table
runners     the local worker pool (a dead worker costs one retried run) and Dask
sweep       ``sweep()``: run what is unfinished, record each result as it arrives
analysis    tidy data, replicate bands, Sobol' indices, PRIM scenario discovery
validation  ``vacuum-sim validate-patterns``: the 2023 patterns over replicates and their sensitivity → docs/validation.md
"""
