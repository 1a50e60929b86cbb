"""Tables as a user sees them: reading and writing table files atomically, views (filter, sort, selection),
column notes and types, and the expression language. It imports nothing of the Butler, extraction or analysis.
"""
