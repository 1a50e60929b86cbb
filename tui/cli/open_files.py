"""`spectui open FILE...`: browse results files in the table view, without a Butler repository."""

from __future__ import annotations

import click

from .options import app_options


@click.command("open")
@click.argument("files", nargs=-1, required=True, metavar="FILE [FILE ...]")
@click.option("--trust-pickle", is_flag=True,
              help="Also open .npy files holding pickled Python objects (unpickling can run code: trusted "
                   "files only).")
@app_options
@click.pass_context
def open_files(ctx: click.Context, files: tuple[str, ...], trust_pickle: bool, theme: str | None,
               no_mouse: bool) -> None:
    """Browse results files: parquet (also .parquet.gz), csv, json and .npy record arrays.

    Each file opens as a view of its own, with the keys of the exposures table (filter, sort, search, F,
    select, export); the number keys switch between files. A file that cannot be opened stops here with one
    line; of a big CSV or parquet file only the first rows are read first, the rest in the app. In a terminal,
    those rows are drawn before the app is even loaded, exactly as the app then draws them.
    """
    options = ctx.find_root().params
    theme = theme or options.get("theme")
    no_mouse = no_mouse or options.get("no_mouse")
    drawing = first_frame_possible()
    heads = csv_heads(files) if drawing else None
    held = None
    if heads is not None:
        from ..widgets.first_frame import draw_first_frame, first_frame_theme, head_first_rows

        held = draw_first_frame(head_first_rows(heads[0]), [head.path for head in heads], first_frame_theme(theme))
    try:
        module = "widgets.first_frame" if drawing and heads is None else "files_app"
        opened = read_while_importing(files, trust_pickle, module)
        if heads is not None:
            for table_file, head in zip(opened, heads):
                table_file.head = head
        elif drawing:
            from ..widgets.first_frame import arrow_first_rows, draw_first_frame, first_frame_theme

            held = draw_first_frame(arrow_first_rows(opened[0]), [table_file.path for table_file in opened],
                                    first_frame_theme(theme))
        from ..files_app import FilesApp

        FilesApp(opened, theme_name=theme, first_frame=held).run(mouse=not no_mouse)
    finally:
        if held is not None:
            held.release()


def csv_heads(files: tuple[str, ...]) -> list | None:
    """The first rows of every file read by the standard library, when all are CSV files it reads as Arrow
    does; else None (the files are then read by Arrow before anything is drawn)."""
    from spectui.core.tables.csv_head import read_csv_head

    heads = []
    for path in files:
        head = read_csv_head(path)
        if head is None:
            return None
        heads.append(head)
    return heads


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

    from spectui.core.tables.table_files import open_table_file

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
