"""Time conversions: the Butler's TAI nanoseconds to UTC, with astropy (converted, never relabelled)."""

from __future__ import annotations

import numpy as np

NS_PER_DAY = 86_400 * 10**9
UNIX_EPOCH_JD = 2440587.5
UNIX_EPOCH_MJD = 40587.0


def tai_ns_to_utc(ns: np.ndarray):
    """UTC timestamps (pandas, tz-aware) for TAI nanoseconds since 1970-01-01 TAI; missing values as NaT.

    astropy gives UTC - TAI per instant (whole seconds since 1972), applied to the exact integer nanoseconds.
    """
    import pandas as pd
    from astropy.time import Time

    values = np.asarray(ns, dtype="float64")
    missing = ~np.isfinite(values)
    ints = np.where(missing, 0, np.nan_to_num(values)).astype("int64")
    if len(ints) == 0:
        return pd.Series([], dtype="datetime64[ns, UTC]")
    days, rest = np.divmod(ints, NS_PER_DAY)
    tai = Time(UNIX_EPOCH_JD + days, rest / NS_PER_DAY, format="jd", scale="tai")
    utc = tai.utc
    offset_seconds = np.round(((utc.jd1 - tai.jd1) + (utc.jd2 - tai.jd2)) * 86_400).astype("int64")
    stamps = pd.Series(pd.to_datetime(ints + offset_seconds * 10**9, unit="ns", utc=True))
    stamps[missing] = pd.NaT
    return stamps


def utc_mjd(stamps) -> np.ndarray:
    """Modified Julian Dates (UTC) of UTC timestamps; NaN where missing."""
    values = stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    out = np.full(len(values), np.nan)
    ok = ~np.isnat(values)
    out[ok] = values[ok].astype("int64") / NS_PER_DAY + UNIX_EPOCH_MJD
    return out
