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
    line; of a big CSV or parquet file only the first rows are read first, the rest in the app.
    """
    opened = read_while_importing(files, trust_pickle)
    from .files_app import FilesApp

    options = ctx.find_root().params
    FilesApp(opened, theme_name=options.get("theme")).run(mouse=not options.get("no_mouse"))


def read_while_importing(files: tuple[str, ...], trust_pickle: bool) -> list:
    """Read the files in a thread while this one imports the app (reading releases the interpreter lock)."""
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
    from . import files_app  # noqa: F401  (imported now, while the files are read)

    reader.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["files"]
