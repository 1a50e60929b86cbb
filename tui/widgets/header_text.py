"""The text of the one-line header, as runs of (text, kind): shared by the header widget and the first frame."""

from __future__ import annotations

NOTHING = "—"
MAX_FILE_KEYS = 9
TITLE_MIN = len("Merge & missing")
"""A long screen title (a results file's name) is shortened to leave room for the repository and collection."""


def header_runs(title: str, fields: list[tuple[str, str]], activity: str, width: int) -> list[tuple[str, str]]:
    """`spectui · Screen` then each field's label and value fitted to `width`; kinds: lead, label, value, blank."""
    labels = sum(len(label) + 3 for label, _ in fields)
    if len(title) + labels + sum(len(value) for _, value in fields) + len(" spectui ·  ") > width:
        title = middle_ellipsis(title, max(TITLE_MIN, width // 5), head_share=0.75)
    lead = f" spectui · {title} " + (f"⧗ {activity} " if activity else "")
    fixed = len(lead) + labels
    room = max(3 * 4, width - fixed)
    widths = share_widths(room, [len(value) for _, value in fields])
    runs = [(lead, "lead")]
    for (label, value), share, head_share in zip(fields, widths, (0.25, 0.7, 0.7)):
        runs.append((f" {label} ", "label"))
        runs.append((middle_ellipsis(value, share, head_share), "value" if value != NOTHING else "label"))
        runs.append((" ", "blank"))
    return runs


def file_fields(paths: dict, number: int) -> list[tuple[str, str]]:
    """The header's fields for opened files: the one shown (its absolute path) and the keys of all."""
    path = str(paths[number].absolute())
    if len(paths) == 1:
        return [("file", path)]
    keys = " ".join(str(key) for key in paths if key <= MAX_FILE_KEYS)
    return [(f"file {number}", path), ("switch", keys)]


def middle_ellipsis(text: str, width: int, head_share: float = 0.5) -> str:
    """`text` shortened to `width` cells by an ellipsis in its middle, keeping `head_share` of it in front."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = int((width - 1) * head_share)
    tail = width - 1 - head
    return text[:head] + "…" + text[len(text) - tail:]


def share_widths(room: int, wanted: list[int], weights: tuple[int, ...] = (1, 2, 1)) -> list[int]:
    """Split `room` cells between repo, collection, run: short values get their length, others share."""
    widths = [0] * len(wanted)
    left = list(range(len(wanted)))
    while left:
        total = sum(weights[i] for i in left)
        fits = [i for i in left if wanted[i] <= room * weights[i] // total]
        if not fits:
            for i in left:
                widths[i] = room * weights[i] // total
            break
        for i in fits:
            widths[i] = wanted[i]
            room -= wanted[i]
            left.remove(i)
    return widths
