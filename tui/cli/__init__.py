"""The command line: click commands that parse options, call core and print one line per error; `main` is
the `spectui` entry point and `launch` starts the app. They hold no data logic.
"""
