"""Figures: one plot description (`spec`) drawn to files with matplotlib (`files`), shared by `spectui plot`, the
report and the app's "Save figure". It may import the other core packages.
"""
