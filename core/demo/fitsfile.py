"""A minimal FITS writer for demo spectra: one primary image HDU, byte-compatible with astropy's output."""

from __future__ import annotations

import numpy as np

BLOCK = 2880


def _card(key: str, value: object) -> str:
    """One 80-character header card in the FITS fixed format (HIERARCH for keys longer than 8)."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = f"{'T' if value else 'F':>20}"
    elif isinstance(value, (int, np.integer)):
        text = f"{int(value):>20d}"
    elif isinstance(value, (float, np.floating)):
        number = format(float(value), ".16G")
        if "." not in number and "E" not in number:
            number += ".0"
        text = f"{number:>20}"
    else:
        quoted = "'" + f"{str(value).replace(chr(39), chr(39) * 2):<8}" + "'"
        text = f"{quoted:<20}"
    text = f"HIERARCH {key} = {text.strip()}" if len(key) > 8 else f"{key:<8}= {text}".rstrip()
    if len(text) > 80:
        raise ValueError(f"header card for {key} is longer than 80 characters")
    return f"{text:<80}"


def fits_bytes(header: dict[str, object], data: np.ndarray) -> bytes:
    """The bytes of a FITS file whose primary HDU holds `data` (float64) and the given header keys."""
    shape = data.shape
    cards = [_card("SIMPLE", True), _card("BITPIX", -64), _card("NAXIS", len(shape))]
    cards += [_card(f"NAXIS{i + 1}", n) for i, n in enumerate(reversed(shape))]
    cards.append(_card("EXTEND", True))
    cards += [_card(key, value) for key, value in header.items()]
    cards.append(f"{'END':<80}")
    head = "".join(cards).encode("ascii")
    head += b" " * (-len(head) % BLOCK)
    body = np.ascontiguousarray(data, dtype=">f8").tobytes()
    body += b"\0" * (-len(body) % BLOCK)
    return head + body
