"""Everything that talks to the Butler: opening a repository read-only and mapping its errors, collections,
exposure records (and the list saved for the next launch), where files are, and the references workers rebuild.
It may import core's top modules and core.tables, never core.extraction or core.analysis.
"""
