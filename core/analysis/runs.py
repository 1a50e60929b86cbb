"""The run registry (a TOML file in the config dir) and the importer of the notebooks' BUTLER00_parameters.py.

The importer never executes the file: it reads the dict literals from its syntax tree, reports every
inconsistency (one run spelled two ways, repeated keys, missing keys) and keeps the runs that are sound.
"""

from __future__ import annotations

import ast
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import BadInput
from ..paths import user_path
from .named_files import NamedFile, check_name

FILE_KINDS = ("extracted", "merged", "missing")
# The notebooks' dict names and what each one gives a run.
ROLES = {
    "butlerusercollectiondict": "collection",
    "legendtag": "label",
    "extractedfilesdict": "extracted",
    "mergedextractedfilesdict": "merged",
    "mergedtofindmissings": "missing",
    "map_run_butler_embargo": "embargo",
}
REPOS = {True: "/repo/embargo", False: "/repo/main"}


@dataclass(frozen=True)
class Run:
    """One registered run: where its outputs are in a Butler repository, and the files made from them."""

    name: str
    repo: str = ""
    collection: str = ""
    label: str = ""
    files: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def to_toml(self) -> dict:
        fields = (("repo", self.repo), ("collection", self.collection), ("label", self.label),
                  ("source", self.source))
        entry = {k: v for k, v in fields if v}
        if self.files:
            entry["files"] = dict(sorted(self.files.items()))
        return entry


def _read(name: str, entry, source: Path) -> Run:
    files = entry.get("files", {}) if isinstance(entry, dict) else None
    if not isinstance(files, dict) or not all(
            isinstance(entry.get(k, ""), str) for k in ("repo", "collection", "label", "source")):
        raise BadInput(f"run {name!r} in {source} is malformed: repo, collection and label must be text.")
    return Run(name, entry.get("repo", ""), entry.get("collection", ""), entry.get("label", ""),
               {str(k): str(v) for k, v in files.items()}, entry.get("source", ""))


def _natural(name: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


RUNS = NamedFile("run", "runs.toml", _read, Run.to_toml,
                 "the registry is empty; add runs with `spectui runs add` or `spectui runs import`.", _natural)


def runs_path() -> Path:
    """The run registry file."""
    return RUNS.path()


def load_runs(path: Path | None = None) -> dict[str, Run]:
    """Every registered run by name (none when the registry does not exist yet)."""
    return RUNS.load(path)


def get_run(name: str, path: Path | None = None) -> Run:
    """The registered run called `name`, or a BadInput naming the close ones."""
    return RUNS.get(name, path)


def save_runs(new: list[Run], *, replace_existing: bool = False,
              path: Path | None = None) -> tuple[list, list]:
    """Add runs to the registry; returns (saved names, names skipped because they exist)."""
    for run in new:
        check_name(run.name, "run")
    runs = load_runs(path)
    saved = [r.name for r in new if replace_existing or r.name not in runs]
    skipped = [r.name for r in new if r.name not in saved]
    runs.update({r.name: r for r in new if r.name in saved})
    RUNS.save(runs, path)
    return saved, skipped


def remove_run(name: str, path: Path | None = None) -> Run:
    """Delete a run from the registry and return it."""
    return RUNS.remove(name, path)


@dataclass
class ImportReport:
    """What an import of BUTLER00_parameters.py found: sound runs, broken ones with reasons, every problem."""

    runs: list[Run]
    broken: dict[str, str]
    problems: list[str]
    active: str = ""


@dataclass
class _Entry:
    value: object
    line: int


def read_parameters(path: str | os.PathLike) -> ImportReport:
    """Read a BUTLER00_parameters.py without running it and sort its runs into sound and broken ones."""
    source = user_path(path)
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    except FileNotFoundError:
        raise BadInput(f"no such file: {source}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {source}: {exc}.") from None
    except SyntaxError as exc:
        raise BadInput(f"{source} is not valid Python (line {exc.lineno}: {exc.msg}); "
                       "nothing imported.") from None
    problems: list[str] = []
    dicts, active = _literal_dicts(tree, problems)
    if not any(role in dicts for role in ("collection", "extracted")):
        raise BadInput(f"{source} has no butlerusercollectiondict nor extractedfilesdict: "
                       "not a run parameter file.")
    for role, entries in dicts.items():
        _report_duplicates(_dict_name(role), entries, problems)
    values = {role: {k: e[-1].value for k, e in entries.items()} for role, entries in dicts.items()}
    broken = _split_spellings(values, problems)
    runs = []
    for name in sorted({k for v in values.values() for k in v} - set(broken)):
        run = _build_run(name, values, source.parent, problems)
        if isinstance(run, str):
            broken[name] = run
        else:
            runs.append(replace(run, source=str(source)))
    _report_absent(values, broken, problems)
    if active and active not in {r.name for r in runs}:
        what = "broken" if active in broken else "not a run"
        problems.append(f"version_run is {active!r}, which is {what} here.")
    return ImportReport(runs, broken, problems, active)


def _literal_dicts(tree: ast.Module, problems: list[str]):
    """The role dicts as {role: {key: [entries in file order]}}, and version_run (top-level statements)."""
    dicts: dict[str, dict[str, list[_Entry]]] = {}
    active = ""
    for node in tree.body:
        target, value = _assignment(node)
        if isinstance(target, ast.Name) and target.id == "version_run":
            active = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""
        elif isinstance(target, ast.Name) and target.id in ROLES and isinstance(value, ast.Dict):
            if ROLES[target.id] in dicts:
                problems.append(f"{target.id} is assigned twice (line {node.lineno} replaces the first).")
            dicts[ROLES[target.id]] = _entries(target.id, value, problems)
        elif (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
              and target.value.id in ROLES):
            key = _literal(target.slice)
            if isinstance(key, str):
                dicts.setdefault(ROLES[target.value.id], {}).setdefault(key, []).append(
                    _Entry(_value(target.value.id, key, value, problems), node.lineno))
    return dicts, active


def _assignment(node):
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        return node.targets[0], node.value
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return node.target, node.value
    return None, None


def _entries(dict_name: str, node: ast.Dict, problems: list[str]) -> dict[str, list[_Entry]]:
    entries: dict[str, list[_Entry]] = {}
    for key_node, value_node in zip(node.keys, node.values):
        key = _literal(key_node) if key_node is not None else None
        if not isinstance(key, str):
            problems.append(f"{dict_name}: a key on line {value_node.lineno} is not a plain string; skipped.")
            continue
        entry = _Entry(_value(dict_name, key, value_node, problems), key_node.lineno)
        entries.setdefault(key, []).append(entry)
    return entries


def _value(dict_name: str, key: str, node, problems: list[str]):
    value = _literal(node)
    if value is _NOT_LITERAL:
        problems.append(f"{dict_name}[{key!r}] on line {node.lineno} is computed, not a literal; skipped.")
        return None
    return value


_NOT_LITERAL = object()


def _literal(node):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NOT_LITERAL


def _dict_name(role: str) -> str:
    return next(name for name, r in ROLES.items() if r == role)


def _report_duplicates(dict_name: str, entries: dict[str, list[_Entry]], problems: list[str]) -> None:
    for key, found in entries.items():
        if len(found) > 1:
            lines = ", ".join(str(e.line) for e in found)
            differ = " with different values" if len({repr(e.value) for e in found}) > 1 else ""
            problems.append(f"{dict_name}: key {key!r} appears {len(found)} times (lines {lines}){differ}; "
                            "Python keeps the last one, and so does the import.")


def _canonical(name: str) -> str:
    return re.sub(r"_v(?=\d)", "_", name.lower())


def _split_spellings(values: dict[str, dict], problems: list[str]) -> dict[str, str]:
    """Runs spelled two ways across the dicts (run_7 / run_v7): neither spelling is importable."""
    spellings = defaultdict(set)
    for entries in values.values():
        for key in entries:
            spellings[_canonical(key)].add(key)
    broken = {}
    for names in spellings.values():
        if len(names) < 2:
            continue
        where = "; ".join(f"{n!r} in {', '.join(_dict_name(r) for r, v in values.items() if n in v)}"
                          for n in sorted(names))
        reason = f"one run spelled {len(names)} ways ({where})"
        problems.append(f"{' / '.join(sorted(names))}: {reason}; not imported: fix the file, import again.")
        broken.update(dict.fromkeys(names, reason))
    return broken


def _build_run(name: str, values: dict[str, dict], base: Path, problems: list[str]) -> Run | str:
    """A sound Run, or the reason why this key cannot make one."""
    collection = values.get("collection", {}).get(name)
    files = {}
    for kind in FILE_KINDS:
        path = values.get(kind, {}).get(name)
        if isinstance(path, str) and path.strip() and path.strip() != "None":
            files[kind] = os.path.normpath(base / user_path(path.strip()))
    if collection is not None and not isinstance(collection, str):
        return f"its collection is not text ({collection!r})"
    collection = (collection or "").strip()
    if re.search(r"[_-]u/", collection):
        problems.append(f"{name}: {collection!r} looks like two collections joined; kept files only.")
        collection = ""
    elif collection and "/" not in collection:
        problems.append(f"{name}: {collection!r} is a tag, not a Butler collection; kept files only.")
        collection = ""
    if not collection and not files:
        return "no collection and no output file"
    embargo = values.get("embargo", {}).get(name)
    if collection and not isinstance(embargo, bool):
        problems.append(f"{name}: no entry in map_run_butler_embargo; assuming /repo/main.")
    label = values.get("label", {}).get(name)
    return Run(name, REPOS[embargo is True] if collection else "", collection,
               label.strip() if isinstance(label, str) else "", files)


def _report_absent(values: dict[str, dict], broken: dict[str, str], problems: list[str]) -> None:
    """One line per dict listing the runs it lacks (the KeyErrors DumpConfig() would raise)."""
    every = {k for v in values.values() for k in v} - set(broken)
    for role in ("collection", "label", *FILE_KINDS):
        lacking = sorted(every - set(values.get(role, {})), key=_natural)
        none = sorted((k for k, v in values.get(role, {}).items() if v == "None" and k in every),
                      key=_natural)
        if lacking:
            problems.append(f"{_dict_name(role)} has no entry for {', '.join(lacking)}.")
        if none:
            problems.append(f"{_dict_name(role)} gives the string 'None' for {', '.join(none)}.")

