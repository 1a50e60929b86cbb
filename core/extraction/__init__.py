"""Reading Spectractor outputs into one row per visit: file readers, rows keyed by the ref's visit,
checkpoints, the executors that run chunks in parallel, and one visit's files for the spectrum view. It may
import core.butler and core.tables, never core.analysis.
"""
