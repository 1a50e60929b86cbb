"""Modal screens that ask one thing (a question, a file name, a column, a selection) or show one view of the
current table (help, frequency, columns). They may import core and the widgets, never a screen.
"""
