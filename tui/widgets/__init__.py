"""Display only: the Arrow-backed table, plots, the header, the prompt bar and the first frame drawn before
Textual loads. They import core for its types and rules, never a screen, dialog or the command line.
"""
