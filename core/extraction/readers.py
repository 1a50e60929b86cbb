"""Read Spectractor output files by location, without Spectractor or lsst.atmospec installed.

Files are told apart by their bytes (FITS or JSON), never by the storage class the Butler recorded, so the
same readers work on the demo repository and on a USDF repository written by atmospec's formatters.
JSON is parsed with pydantic-core (a dependency of the Butler), three times faster than the json module and as
exact, bare Infinity and NaN included.
"""

from __future__ import annotations

import io
import math
import os
import time
from dataclasses import dataclass, field
from itertools import compress
from operator import not_
from typing import BinaryIO

from pydantic_core import from_json

FITS_BLOCK = 2880
CARD = 80
FIRST_READ = 4 * FITS_BLOCK
FITS_MAGIC = b"SIMPLE  ="
SEEN_CARDS_LIMIT = 4096
END_KEY = b"END     "


_SEEN_CARDS: dict[str, tuple[str, object]] = {}


class UnreadableFile(ValueError):
    """A file whose bytes are not a Spectractor output spectui can read; the message says why."""


@dataclass(frozen=True)
class FitParameters:
    """One FitParameters file: labels in file order, values, errors from `cov` (0 when fixed), `extra`."""

    labels: tuple[str, ...]
    values: tuple[float, ...]
    errors: tuple[float, ...]
    fixed: tuple[bool, ...]
    extra: dict[str, float] = field(default_factory=dict)

    def value(self, label: str) -> float:
        """The fitted value of a parameter, looked up by label."""
        return self.values[self.labels.index(label)]

    def error(self, label: str) -> float:
        """The error of a parameter, looked up by label."""
        return self.errors[self.labels.index(label)]


@dataclass(frozen=True)
class Spectrum:
    """The SPECTRUM HDU of a spectrum file: wavelengths (nm), flux, flux error, and the primary header."""

    lambdas: object
    flux: object
    err: object
    header: dict[str, object]


def open_location(location: str) -> BinaryIO:
    """A binary handle on a local path, or on any URI lsst.resources understands (file, S3, HTTP...)."""
    if "://" not in location:
        return open(location, "rb")
    from lsst.resources import ResourcePath

    if location.startswith(("http://", "https://")):
        return io.BytesIO(read_over_http(ResourcePath(location)))
    return ResourcePath(location).open("rb")


HTTP_ATTEMPTS = 4
FIRST_WAIT = 0.5


def read_over_http(resource) -> bytes:
    """A (presigned) HTTP(S) file's bytes, tried again after a growing wait when the network or server falters."""
    attempt = 0
    while True:
        try:
            return resource.read()
        except (FileNotFoundError, PermissionError):
            raise
        except OSError:
            attempt += 1
            if attempt == HTTP_ATTEMPTS:
                raise
            time.sleep(FIRST_WAIT * 2 ** (attempt - 1))


def read_output(location: str) -> dict[str, object] | FitParameters:
    """A spectrum file's primary header (dict), or a FitParameters file's content, recognised by its bytes."""
    with open_location(location) as handle:
        start = handle.read(FIRST_READ)
        if start.startswith(FITS_MAGIC):
            return _read_fits_header(handle, start)
        if start.lstrip()[:1] == b"{":
            return parse_fit_parameters(start if len(start) < FIRST_READ else start + handle.read())
    raise UnreadableFile(_unknown_format(start))


def read_fit_parameters(location: str) -> FitParameters:
    """A FitParameters JSON file (bare Infinity and NaN accepted), errors computed from `cov`."""
    with open_location(location) as handle:
        return parse_fit_parameters(handle.read())


def read_spectrum(location: str) -> Spectrum:
    """The SPECTRUM HDU (lambdas, flux, err) of one spectrum file, for plotting one visit."""
    import numpy as np
    from astropy.io import fits

    with open_location(location) as handle:
        data = handle.read()
    if not data.startswith(FITS_MAGIC):
        raise UnreadableFile(_unknown_format(data[:FIRST_READ]))
    header = parse_header(_header_bytes(io.BytesIO(data[FIRST_READ:]), data[:FIRST_READ]))
    try:
        with fits.open(io.BytesIO(data), memmap=False, lazy_load_hdus=True) as hdus:
            hdu = hdus["SPECTRUM"] if "SPECTRUM" in hdus else hdus[0]
            array = np.array(hdu.data, dtype="float64")
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise UnreadableFile(f"cannot read the SPECTRUM HDU: {exc}") from exc
    if array.ndim != 2 or array.shape[0] < 3:
        raise UnreadableFile(f"the SPECTRUM HDU has shape {array.shape}, not (3, N) [lambdas, flux, err].")
    return Spectrum(lambdas=array[0], flux=array[1], err=array[2], header=header)


def _unknown_format(start: bytes) -> str:
    if not start:
        return "the file is empty."
    return f"neither FITS nor JSON (starts with {start[:16]!r})."


def _read_fits_header(handle: BinaryIO, start: bytes) -> dict[str, object]:
    """The primary header, after checking that the file is long enough to hold the data it announces."""
    raw = _header_bytes(handle, start)
    cards = parse_header(raw)
    size = _size(handle)
    if size is not None:
        header_length = (len(raw) // FITS_BLOCK + 1) * FITS_BLOCK
        needed = header_length + _data_length(cards)
        if size < needed:
            raise UnreadableFile(f"truncated FITS file: {size} bytes where the header announces at least "
                                 f"{needed}.")
    return cards


def _size(handle: BinaryIO) -> int | None:
    """The file's size, when the handle can tell it cheaply."""
    try:
        return os.fstat(handle.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


def _data_length(cards: dict[str, object]) -> int:
    """Bytes of primary data the header announces: |BITPIX|/8 times the product of the NAXISn."""
    axes = cards.get("NAXIS") or 0
    if not isinstance(axes, int) or axes <= 0:
        return 0
    length = abs(int(cards.get("BITPIX") or 8)) // 8
    for i in range(1, axes + 1):
        value = cards.get(f"NAXIS{i}")
        length *= value if isinstance(value, int) and value >= 0 else 0
    return length


def _header_bytes(handle: BinaryIO, start: bytes) -> bytes:
    """The header cards before END, reading further FITS blocks only as needed."""
    buffer = start
    scanned = 0
    while True:
        end = len(buffer) - len(buffer) % CARD
        for offset in range(scanned, end, CARD):
            if buffer[offset:offset + 8] == END_KEY:
                return buffer[:offset]
        scanned = end
        more = handle.read(FITS_BLOCK)
        if not more:
            raise UnreadableFile("truncated FITS header (no END card): the file is incomplete.")
        buffer += more


def parse_header(raw: bytes) -> dict[str, object]:
    """FITS header cards to {key: value}: strings, bools, ints, floats, None for blank values.

    HIERARCH keys keep their long name and CONTINUE cards extend long strings; the first card of a key wins,
    as in astropy. Cards seen before (the many identical from one file to the next) are not parsed again.
    """
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"the FITS header is not ASCII (byte {exc.start}).") from None
    cards: dict[str, object] = {}
    for offset in range(0, len(text), CARD):
        card = text[offset:offset + CARD]
        known = _SEEN_CARDS.get(card)
        if known is None:
            if card.startswith("CONTINUE"):
                _continue_string(cards, card)
                continue
            known = _parse_card(card)
            if known is None:
                continue
            if len(_SEEN_CARDS) < SEEN_CARDS_LIMIT:
                _SEEN_CARDS[card] = known
        if known[0] not in cards:
            cards[known[0]] = known[1]
    return cards


def _parse_card(card: str) -> tuple[str, object] | None:
    """The key and value of a keyword card, None for commentary cards (COMMENT, HISTORY, blank)."""
    if card[8:10] == "= ":
        return card[:8].rstrip(), _card_value(card[10:])
    if card.startswith("HIERARCH "):
        key, equals, value_text = card[9:].partition("=")
        if equals:
            return key.strip(), _card_value(value_text)
    return None


def _continue_string(cards: dict[str, object], card: str) -> None:
    """Append a CONTINUE card to the long string ('&'-terminated) of the last key read."""
    if not cards:
        return
    key = next(reversed(cards))
    previous = cards[key]
    if isinstance(previous, str) and previous.endswith("&"):
        more = _card_value(card[8:])
        cards[key] = previous[:-1] + (more if isinstance(more, str) else "")


def _card_value(text: str) -> object:
    """The value of one card's value field, its comment dropped (the common float case tried first)."""
    text = text.strip()
    if text[:1] == "'":
        end = text.find("'", 1)
        while end != -1 and text[end + 1:end + 2] == "'":
            end = text.find("'", end + 2)
        if end == -1:
            raise UnreadableFile(f"unterminated string in FITS card value {text!r}.")
        return text[1:end].replace("''", "'").rstrip()
    if "/" in text:
        text = text.partition("/")[0].rstrip()
    if not text:
        return None
    if "." in text:
        try:
            return float(text)
        except ValueError:
            pass
    elif text == "T":
        return True
    elif text == "F":
        return False
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text.replace("D", "E"))
    except ValueError:
        return text


def parse_fit_parameters(data: bytes | str) -> FitParameters:
    """A FitParameters JSON document to labels, values and errors (from cov's diagonal)."""
    try:
        content = from_json(data, allow_inf_nan=True)
    except ValueError as exc:
        raise UnreadableFile(f"invalid JSON ({exc}): the file is damaged.") from None
    if not isinstance(content, dict) or "labels" not in content or "values" not in content:
        raise UnreadableFile("JSON without `labels` and `values`: not a Spectractor FitParameters file.")
    labels = tuple(content["labels"])
    if set(map(type, labels)) - {str}:
        raise UnreadableFile("`labels` holds something other than text.")
    values = _numbers(content["values"], "values")
    if len(values) != len(labels):
        raise UnreadableFile(f"{len(labels)} labels but {len(values)} values.")
    fixed = tuple(map(bool, content.get("fixed") or [False] * len(labels)))
    if len(fixed) != len(labels):
        raise UnreadableFile(f"{len(labels)} labels but {len(fixed)} `fixed` flags.")
    errors = _errors(fixed, content.get("cov"))
    extra = {str(k): float(v) for k, v in (content.get("extra") or {}).items()
             if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return FitParameters(labels=labels, values=values, errors=errors, fixed=fixed, extra=extra)


def _numbers(values: object, what: str) -> tuple[float, ...]:
    """A list of JSON numbers as floats (null as NaN)."""
    if not isinstance(values, list):
        raise UnreadableFile(f"`{what}` is not a list.")
    if set(map(type, values)) <= {float, int}:
        return tuple(map(float, values))
    return tuple(_number(v, what) for v in values)


def _number(value: object, what: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UnreadableFile(f"a non-numeric entry {value!r} in `{what}`.")
    return float(value)


def _errors(fixed: tuple[bool, ...], cov: object) -> tuple[float, ...]:
    """Spectractor's `err`: sqrt(diag(cov)) for the free parameters in label order, 0 for the fixed ones."""
    free = list(compress(range(len(fixed)), map(not_, fixed)))
    errors = [0.0] * len(fixed)
    if not free:
        return tuple(errors)
    matrix = _as_matrix(cov)
    if matrix is None:
        return tuple(math.nan if i in free else 0.0 for i in range(len(fixed)))
    if len(matrix) != len(free):
        raise UnreadableFile(f"cov is {len(matrix)}x{len(matrix)} but {len(free)} parameters are free.")
    try:
        diagonal = _numbers([row[k] for k, row in enumerate(matrix)], "the diagonal of cov")
    except (TypeError, IndexError, KeyError):
        raise UnreadableFile(f"cov is not a {len(free)}x{len(free)} matrix of numbers.") from None
    for i, variance in zip(free, diagonal):
        errors[i] = math.sqrt(variance) if variance >= 0 else math.nan
    return tuple(errors)


def _as_matrix(cov: object) -> list | None:
    """`cov` as a list of rows; a bare number or one-element list (one free parameter) becomes 1x1."""
    if cov is None or cov == []:
        return None
    if isinstance(cov, (int, float)) and not isinstance(cov, bool):
        return [[cov]]
    if isinstance(cov, list) and len(cov) == 1 and not isinstance(cov[0], list):
        return [cov]
    if isinstance(cov, list):
        return cov
    raise UnreadableFile(f"cov is a {type(cov).__name__}, not a matrix.")
