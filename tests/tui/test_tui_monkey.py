"""A monkey on the app: fixed-seed random sequences of the keys each screen declares, printable characters,
Enter, Escape and arrows, alone and in bursts, on every screen, in every data state, at 80x24 and 120x40; any
exception, failed worker or unexpected error fails the test with the seed, screen, size and last keys."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from analysis_support import LATEST, extracted, latest_results, with_results, workdir  # noqa: F401
from monkey_support import (
    InProcessQuery,
    Monkey,
    MonkeyCrash,
    Stop,
    WorkerWatch,
    back_to_base,
    burst,
    launched,
    typed,
)
from textual.command import CommandList, CommandPalette
from textual.widgets import Footer
from tui_support import open_exposures, wait_for

from spectui.core.butler import exposure_cache
from spectui.core.butler.exposures import ExposureSelection
from spectui.core.demo.build import EMPTY_RUN
from spectui.core.errors import BadInput
from spectui.core.tables.csv_head import read_csv_head
from spectui.core.tables.table_files import open_table_file
from spectui.tui.app import SpectuiApp
from spectui.tui.files_app import FilesApp
from spectui.tui.screens import histogram as histogram_screen
from spectui.tui.screens.results import ResultsScreen
from spectui.tui.screens.spectrum import SpectrumScreen

SIZES = [(80, 24), (120, 40)]
STATES = ("bare", "first", "saved", "empty", "results", "file", "extracting")
QUICK_STEPS, LONG_STEPS = 3, 40
"""Steps (a key, or a burst of keys) at each stop of a tour."""
ANSWER_SECONDS = 0.6
"""Seconds the launch's query takes to answer in the quick monkey (the saved list shows meanwhile)."""


@pytest.fixture
def guarded(workdir, tmp_path, tmp_path_factory, monkeypatch):  # noqa: F811
    """Everything the app may write stays in the tests' temporary directories; failed workers are watched."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("SPECTUI_DATA_DIR", str(tmp_path / "data"))
    from spectui.core.extraction import executors
    from spectui.core.tables import table_io as tables

    check = tables.check_output_path
    root = tmp_path_factory.getbasetemp().resolve()

    def inside_tmp(path, **kwargs):
        if not Path(path).expanduser().resolve().is_relative_to(root):
            raise BadInput(f"(test) {path} is outside the tests' temporary directory.")
        return check(path, **kwargs)

    monkeypatch.setattr(tables, "check_output_path", inside_tmp)
    parse = executors.parse_executor
    monkeypatch.setattr("spectui.core.extraction.extract.parse_executor",
                        lambda spec, workers: parse(spec, 1 if workers >= 1 else workers))
    commands = SpectuiApp.get_system_commands
    monkeypatch.setattr(SpectuiApp, "get_system_commands",
                        lambda app, screen: (c for c in commands(app, screen) if c.title != "Quit"))
    return WorkerWatch(monkeypatch)


# Getting somewhere, from wherever the monkey left the app


def idle(screen) -> bool:
    """No worker of this screen is running."""
    return all(worker.is_finished for worker in screen.app.workers if worker.node is screen)


async def nowhere(pilot) -> None:
    """Stay where the app is (the launch's own screen, before anything is ready)."""


def top(name: str, ready: Callable = idle, then: Callable | None = None):
    """Go to a top-level screen, wait until `ready`, then maybe do `then(screen)` (open something from it)."""

    async def arrive(pilot) -> None:
        app = pilot.app
        await back_to_base(pilot)
        app.show_screen(name)
        await wait_for(pilot, lambda: app.screen.is_mounted and ready(app.screen))
        if then is not None:
            await then(pilot, app.screen)

    return arrive


def mounted(screen) -> bool:
    """Shown, whatever its workers do (the extraction's runs on)."""
    return True


def has_view(screen) -> bool:
    """A table screen whose view is built and whose workers are done."""
    return getattr(screen, "view", None) is not None and idle(screen)


async def frequency(pilot, screen) -> None:
    screen.action_frequency()
    await pilot.pause()


async def export(pilot, screen) -> None:
    screen.action_export()
    await pilot.pause()


async def query(pilot, screen) -> None:
    screen.action_query()
    await pilot.pause()


async def help_screen(pilot, screen) -> None:
    pilot.app.action_help()
    await pilot.pause()


async def nothing_matches(pilot, screen) -> None:
    with screen.changing_view():
        screen.view.set_filter("id < 0")
    await pilot.pause()


def nothing_then(then: Callable):
    """Filter the table down to no row, then `then` from it."""

    async def act(pilot, screen) -> None:
        await nothing_matches(pilot, screen)
        await then(pilot, screen)

    return act


async def merged(pilot) -> None:
    """The latest results merged with the exposure list (M on Merge & missing), whatever was made current."""
    app = pilot.app
    app.run_name, app.collection = None, LATEST
    await top("status")(pilot)
    app.screen.action_merge()
    await wait_for(pilot, lambda: app.screen.title.startswith("Merged"))


def results(frame, collection: str, then: Callable | None = None):
    """Open a results table (as the Extraction screen's o does), maybe then something from it."""

    async def arrive(pilot) -> None:
        await back_to_base(pilot)
        screen = ResultsScreen(frame, collection=collection, title="Results: monkey", export_stem="monkey")
        pilot.app.push_screen(screen)
        await wait_for(pilot, lambda: screen.table is not None)
        if then is not None:
            await then(pilot, screen)

    return arrive


async def spectrum(pilot, screen) -> None:
    """Enter on the first visit that has a spectrum."""
    base = screen.view.base
    screen.table.move_cursor(row=screen.view.row_of_key(base["id"][base["status"] == "ok"].iloc[0]))
    screen.action_spectrum()
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SpectrumScreen) and idle(pilot.app.screen))


async def extraction_running(pilot) -> None:
    """Start extracting the current collection with one worker and stay while it reads."""
    app = pilot.app
    await back_to_base(pilot)
    app.show_screen("extraction")
    screen = app.screen
    await wait_for(pilot, lambda: screen.query("#extract-workers"))
    if screen.job is None or screen.job.ended:
        screen.query_one("#extract-workers").value = "1"
        screen.action_start()
        await wait_for(pilot, lambda: screen.job is not None and (screen.job.ended or (
            screen.job.progress is not None and screen.job.progress.done > 0)))


def file_view(number: int, then: Callable | None = None):
    """Show file `number` of `spectui open` with its view built, maybe then something from it."""

    async def arrive(pilot) -> None:
        app = pilot.app
        if number in app.files:
            app.show_file(number)
        await back_to_base(pilot)
        await wait_for(pilot, lambda: app.screen.is_mounted and has_view(app.screen))
        if then is not None and app.screen.view is not None:
            await then(pilot, app.screen)

    return arrive


async def columns(pilot, screen) -> None:
    screen.action_columns()
    await pilot.pause()


async def histogram(pilot, screen) -> None:
    if screen.check_action("histogram", ()):
        screen.action_histogram()
        await pilot.pause()


# The states


@dataclass
class Setting:
    """A data state: how the app is launched, the quick tour's stops, and the long tour's further stops."""

    make_app: Callable[[], SpectuiApp]
    quick: list[Stop]
    more: list[Stop]
    first_launch: bool = False
    """Launch once before, until the launch's query has saved the list (the tour is the second launch)."""


async def launch_once(make_app) -> None:
    """A launch left once its query has saved the exposure list for the next one."""
    app = make_app()
    async with app.run_test(size=SIZES[0]) as pilot:
        await wait_for(pilot, lambda: exposure_cache.load_saved(app.repo, ExposureSelection()), 120)


def everywhere() -> list[Stop]:
    """Every top-level screen, the exposures' own pushed screens and help: the long tours' further stops."""
    return [Stop("collections", top("collections")),
            Stop("exposures", top("exposures", has_view)),
            Stop("frequency", top("exposures", has_view, frequency)),
            Stop("export", top("exposures", has_view, export)),
            Stop("query", top("exposures", has_view, query)),
            Stop("extraction", top("extraction", mounted)),
            Stop("merge & missing", top("status")),
            Stop("histograms", top("histograms")),
            Stop("compare runs", top("compare")),
            Stop("help", top("exposures", has_view, help_screen))]


def setting(state: str, request, tmp_path: Path, long: bool) -> Setting:
    """The launch and tours of `state`; the long monkey's launch queries the Butler in a process."""
    repo = str(request.getfixturevalue("demo_repo"))
    science = request.getfixturevalue("science")

    def launch_query():
        if long:
            from spectui.core.butler.exposure_process import ExposureQueryProcess

            return ExposureQueryProcess(repo)
        return InProcessQuery(repo, science, ANSWER_SECONDS)

    def on(collection: str | None) -> Callable[[], SpectuiApp]:
        return lambda: launched(repo, collection, launch_query)

    launch = Stop("launch", nowhere)
    exposures = Stop("exposures", top("exposures", has_view))
    if state == "bare":
        return Setting(on(None), [launch, Stop("extraction", top("extraction", mounted)),
                                  Stop("histograms", top("histograms")),
                                  Stop("compare runs", top("compare"))], everywhere())
    if state == "first":
        return Setting(on(LATEST), [launch, exposures,
                                    Stop("frequency", top("exposures", has_view, frequency)),
                                    Stop("query", top("exposures", has_view, query))], everywhere())
    if state == "saved":
        return Setting(on(LATEST), [launch, exposures, Stop("export", top("exposures", has_view, export)),
                                    Stop("collections", top("collections"))], everywhere(), first_launch=True)
    if state == "empty":
        none = request.getfixturevalue("latest_results").head(0)
        return Setting(on(EMPTY_RUN),
                       [Stop("exposures, nothing matches", top("exposures", has_view, nothing_matches)),
                        Stop("frequency of nothing", top("exposures", has_view, nothing_then(frequency))),
                        Stop("empty results", results(none, EMPTY_RUN)),
                        Stop("histograms", top("histograms"))],
                       [Stop("export of nothing", top("exposures", has_view, nothing_then(export))),
                        *everywhere()])
    if state == "results":
        request.getfixturevalue("with_results")
        frame = request.getfixturevalue("latest_results")
        return Setting(on(LATEST), [Stop("results", results(frame, LATEST)),
                                    Stop("spectrum", results(frame, LATEST, spectrum)),
                                    Stop("merged", merged)],
                       [Stop("results export", results(frame, LATEST, export)),
                        Stop("results frequency", results(frame, LATEST, frequency)),
                        Stop("results help", results(frame, LATEST, help_screen)), *everywhere()])
    if state == "file":
        frame = request.getfixturevalue("latest_results")
        csv, parquet, empty = tmp_path / "results.csv", tmp_path / "results.parquet", tmp_path / "none.csv"
        frame.to_csv(csv)
        frame.head(40).to_parquet(parquet, index=False)
        frame.head(0).to_csv(empty, index=False)

        def opened() -> FilesApp:
            files = [open_table_file(path) for path in (csv, parquet, empty)]
            files[0].head = read_csv_head(csv)
            return FilesApp(files)

        return Setting(opened, [launch, Stop("columns", file_view(1, columns)),
                                Stop("file histogram", file_view(1, histogram)),
                                Stop("file help", file_view(1, help_screen))],
                       [Stop("file", file_view(1)), Stop("file frequency", file_view(1, frequency)),
                        Stop("file export", file_view(1, export)), Stop("second file", file_view(2)),
                        Stop("empty file", file_view(3)),
                        Stop("empty file's columns", file_view(3, columns))])
    assert state == "extracting"
    request.getfixturevalue("slow_chunks")
    return Setting(on(LATEST), [Stop("extraction running", extraction_running),
                                Stop("exposures while extracting", top("exposures", has_view)),
                                Stop("merge & missing while extracting", top("status")),
                                Stop("back to the extraction", top("extraction", mounted))],
                   [Stop("histograms while extracting", top("histograms")),
                    Stop("help while extracting", top("extraction", mounted, help_screen)), *everywhere()])


# Driving


async def drive(monkey: Monkey, world: Setting, long: bool) -> None:
    """Make the quick (or long) tour with random steps at each stop; a q that quits starts the app again."""
    stops = [*world.quick, *(world.more if long else [])]
    steps = LONG_STEPS if long else QUICK_STEPS
    if world.first_launch:
        await launch_once(world.make_app)
    while stops:
        app = world.make_app()
        try:
            async with app.run_test(size=monkey.size) as pilot:
                while stops:
                    stop = stops.pop(0)
                    try:
                        await stop.arrive(pilot)
                    except MonkeyCrash:
                        raise
                    except Exception as exc:
                        monkey.fail(app, f"reaching {stop.name}: " + "".join(traceback.format_exception(exc)))
                    monkey.check(app)
                    if not await monkey.run(pilot, steps):
                        break
        except Exception as exc:
            if monkey.crash is not None:
                raise monkey.crash from None
            monkey.fail(app, "".join(traceback.format_exception(exc)))
        monkey.check(app)


def seed_for(case: str) -> int:
    """The case's own seed, or SPECTUI_MONKEY_SEED to replay one."""
    return int(os.environ.get("SPECTUI_MONKEY_SEED") or zlib.crc32(case.encode()))


QUICK = [(state, SIZES[index % 2]) for index, state in enumerate(STATES)]


@pytest.mark.parametrize("state, size", QUICK, ids=[f"{state}-{w}x{h}" for state, (w, h) in QUICK])
async def test_monkey_quick(state, size, guarded, request, tmp_path):
    """A short monkey run per data state, the sizes taking turns."""
    monkey = Monkey(seed_for(f"{state}-{size[0]}x{size[1]}"), request.node.nodeid, size, guarded)
    await drive(monkey, setting(state, request, tmp_path, long=False), long=False)
    assert monkey.sent > 0


LONG = [(state, size) for state in STATES for size in SIZES]


@pytest.mark.slow
@pytest.mark.parametrize("state, size", LONG, ids=[f"{state}-{w}x{h}-long" for state, (w, h) in LONG])
async def test_monkey_long(state, size, guarded, request, tmp_path):
    """Long monkey runs: every data state at both sizes, every stop, the launch's real query process."""
    monkey = Monkey(seed_for(f"{state}-{size[0]}x{size[1]}-long"), request.node.nodeid, size, guarded)
    await drive(monkey, setting(state, request, tmp_path, long=True), long=True)
    assert monkey.sent > 0


# What the monkey found, each as the shortest keys that show it


async def test_s_selects_a_row_once_the_butlers_answer_replaced_the_saved_list(demo_repo, science, guarded):
    """Found by the monkey (saved state): s after the answer raised "assignment destination is read-only"."""
    exposure_cache.save(str(demo_repo), ExposureSelection(), science)
    app = launched(str(demo_repo), LATEST, lambda: InProcessQuery(str(demo_repo), science, ANSWER_SECONDS))
    async with app.run_test(size=SIZES[0]) as pilot:
        await wait_for(pilot, lambda: getattr(app.screen, "view", None) is not None
                       and app.screen.saved_at is None)
        await pilot.press("s")
        assert app.screen.view.selected_count == 1 and app.is_running


async def test_pagedown_as_the_palette_opens_does_not_crash(demo_repo, guarded):
    """Found by the monkey (first state): ctrl+p and pagedown in one burst raised KeyError in the palette."""
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=SIZES[0]) as pilot:
        await burst(pilot, "ctrl+p", "pagedown")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CommandPalette)


async def test_paging_the_palette_as_a_new_search_shows_its_results_does_not_crash(demo_repo, guarded):
    """Found by the monkey (results state, keys in order): page up just as a search's results replace a search
    that found nothing raised KeyError in the palette's list, not laid out yet (a race, so ten rounds)."""
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=SIZES[1]) as pilot:
        await open_exposures(pilot)
        await pilot.press("ctrl+p")
        for round_ in range(10):
            await burst(pilot, "ctrl+shift+a", *typed("xxxx"))
            await pilot.press("down", "x")
            await burst(pilot, "ctrl+shift+a", "c", "pageup")
            assert app.is_running, f"round {round_ + 1}"


async def test_palette_results_found_once_its_list_is_gone_fail_no_worker(demo_repo, guarded):
    """Found by the monkey (first state, 120x40, seed 154990405): a search still running as the palette was taken
    down showed its results on a list already removed, and its worker failed with NoMatches."""
    app = SpectuiApp(repo=str(demo_repo))
    async with app.run_test(size=SIZES[1]) as pilot:
        await pilot.press("ctrl+p", *typed("expo"))
        palette = app.screen
        await wait_for(pilot, lambda: palette.query_one(CommandList).option_count > 0)
        await palette.query_one(CommandList).remove()
        palette._list_visible = not palette._list_visible
        await pilot.pause()
        assert app.is_running and app.screen is palette


async def test_a_histogram_computed_while_its_screen_closes_fails_no_worker(latest_results,  # noqa: F811
                                                                           tmp_path, monkeypatch, guarded):
    """Found by the monkey (file state, 120x40, seed 7): t then escape on the histogram H opened, its numbers
    delivered once the screen's widgets were gone but before the screen itself was, raised NoMatches
    (#histogram-line) and failed the worker; here the numbers are held for that moment, every time."""
    armed, label_gone = threading.Event(), threading.Event()
    figure = histogram_screen.Figure

    def held_until_the_label_is_gone(*args):
        if armed.is_set():
            label_gone.wait(10)
        return figure(*args)

    monkeypatch.setattr(histogram_screen, "Figure", held_until_the_label_is_gone)
    path = tmp_path / "results.parquet"
    latest_results.to_parquet(path, index=False)
    app = FilesApp([open_table_file(path)])
    async with app.run_test(size=SIZES[1]) as pilot:
        await wait_for(pilot, lambda: app.screen.view is not None)
        await pilot.press("H")
        await wait_for(pilot, lambda: getattr(app.screen, "figure", None) is not None)
        plot = app.screen
        line, footer, computed = plot.query_one("#histogram-line"), plot.query_one(Footer), plot._computed
        label_exit, footer_exit = line._message_loop_exit, footer._message_loop_exit
        delivered = asyncio.Event()
        raised: list[str] = []

        async def line_removed() -> None:
            await label_exit()
            label_gone.set()

        async def footer_removed_after_the_numbers() -> None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(delivered.wait(), 10)
            await footer_exit()

        def computed_then_delivered(result) -> None:
            try:
                computed(result)
            except Exception as exc:
                raised.append(repr(exc))
                raise
            finally:
                delivered.set()

        line._message_loop_exit, footer._message_loop_exit = line_removed, footer_removed_after_the_numbers
        plot._computed = computed_then_delivered
        armed.set()
        await burst(pilot, "t", "escape")
        await wait_for(pilot, lambda: label_gone.is_set() and not app.workers)
        assert not isinstance(app.screen, histogram_screen.HistogramScreen)
    assert raised + [repr(worker.error) for worker in guarded.failed] == []
