"""What is computed from tables and the registry: merge, status per exposure, statistics, quality cuts,
the run registry and its results files, run comparison and plot data. It may import the other core packages.
"""
