"""`spectui open FILE...`: browse results files in the table view, without a Butler repository."""

from __future__ import annotations

import click


@click.command("open")
@click.argument("files", nargs=-1, required=True, metavar="FILE [FILE ...]")
@click.option("--trust-pickle", is_flag=True,
              help="Also open .npy files holding pickled Python objects (unpickling can run code: trusted "
                   "files only).")
@click.pass_context
def open_files(ctx: click.Context, files: tuple[str, ...], trust_pickle: bool) -> None:
    """Browse results files: parquet (also .parquet.gz), csv, json and .npy record arrays.

    Each file opens as a view of its own, with the keys of the exposures table (filter, sort, search, F,
    select, export); the number keys switch between files. A file that cannot be opened stops here with one
    line; of a big CSV or parquet file only the first rows are read first, the rest in the app. In a terminal,
    those rows are drawn before the app is even loaded, exactly as the app then draws them.
    """
    options = ctx.find_root().params
    theme = options.get("theme")
    drawing = first_frame_possible()
    opened = read_while_importing(files, trust_pickle, "first_frame" if drawing else "files_app")
    held = None
    if drawing:
        from .first_frame import draw_first_frame, first_frame_theme

        held = draw_first_frame(opened, first_frame_theme(theme))
    try:
        from .files_app import FilesApp

        FilesApp(opened, theme_name=theme, first_frame=held).run(mouse=not options.get("no_mouse"))
    finally:
        if held is not None:
            held.release()


def first_frame_possible() -> bool:
    """Whether a first frame can be drawn: a terminal on both ends, and no colour filter in the app."""
    import os
    import sys

    if not (sys.stdin.isatty() and sys.stdout.isatty()) or os.environ.get("TERM", "dumb") == "dumb":
        return False
    return "NO_COLOR" not in os.environ and not os.environ.get("TEXTUAL_FILTERS")


def read_while_importing(files: tuple[str, ...], trust_pickle: bool, module: str) -> list:
    """Read the files in a thread while this one imports `module` (reading releases the interpreter lock)."""
    import importlib
    import threading

    from spectui.core.table_files import open_table_file

    outcome: dict[str, object] = {}

    def read() -> None:
        try:
            outcome["files"] = [open_table_file(path, trust_pickle=trust_pickle) for path in files]
        except BaseException as exc:
            outcome["error"] = exc

    reader = threading.Thread(target=read, name="spectui-read", daemon=True)
    reader.start()
    importlib.import_module(f"spectui.tui.{module}")
    reader.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["files"]
