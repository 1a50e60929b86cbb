"""The nights of a demo repository: exposure records that look like AuxTel hologram spectroscopy nights."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

LEAP_SECONDS_NS = 37 * 10**9
"""TAI - UTC since 2017, in nanoseconds: every demo night lies after that."""

FIRST_DAY_OBS = 20250107

HOLO_FILTERS = ("empty", "BG40_65mm_1", "OG550_65mm_1")
EXTRA_HOLO_FILTERS = ("FELH0600", "SDSSr")
IMAGING_FILTERS = ("SDSSr_65mm", "SDSSg_65mm")
BANDS = {
    "empty": "white", "BG40_65mm_1": "g", "OG550_65mm_1": "g", "FELH0600": "r", "SDSSr": "r",
    "SDSSr_65mm": "r", "SDSSg_65mm": "g",
}

# name -> (ra, dec) in degrees; CALSPEC stars the scheduler observes, plus one Gaia-only target.
TARGETS = {
    "HD38666": (84.16, -34.07), "HD42525": (92.56, -66.04), "HD185975": (305.08, -87.47),
    "HD111980": (193.32, -18.42), "HD146233": (243.91, -8.37), "HD160617": (265.71, -40.32),
    "HD142331": (238.48, -8.46), "HD205905": (324.79, -27.31), "HD167060": (274.20, -61.71),
    "HD2811": (7.77, -43.61), "HD14943": (36.08, -51.51), "HD37962": (85.27, -31.35),
    "HD200654": (316.74, -49.98), "HD115169": (198.91, -29.55), "HD074000": (130.28, -16.34),
    "Gaia DR3 4612318286440112384": (21.54, -75.63),
}
SITE_LATITUDE = -30.2446


@dataclass
class Exposure:
    """One exposure record, with the visit fields it shares when it is a science exposure."""

    id: int
    day_obs: int
    seq_num: int
    physical_filter: str
    observation_type: str
    target_name: str
    exposure_time: float
    tracking_ra: float
    tracking_dec: float
    zenith_angle: float
    azimuth: float
    sky_angle: float
    begin_tai_ns: int
    end_tai_ns: int
    science_program: str = "BLOCK-311"
    observation_reason: str = "spec"

    @property
    def obs_id(self) -> str:
        return f"AT_O_{self.day_obs}_{self.seq_num:06d}"

    @property
    def filter(self) -> str:
        return self.physical_filter.split("~")[0]

    @property
    def disperser(self) -> str:
        return self.physical_filter.split("~")[1]

    @property
    def is_hologram_science(self) -> bool:
        return self.observation_type == "science" and self.disperser.startswith("holo4")


@dataclass
class Night:
    """A night of observations and its day_obs timespan start (TAI ns)."""

    day_obs: int
    start_tai_ns: int
    exposures: list[Exposure] = field(default_factory=list)


def day_obs_start_tai_ns(day_obs: int) -> int:
    """TAI nanoseconds since 1970 TAI of the day_obs rollover (12:00 TAI), as the Butler stores it."""
    day = dt.datetime.strptime(str(day_obs), "%Y%m%d").replace(tzinfo=dt.timezone.utc)
    return int(day.timestamp()) * 10**9 + 12 * 3600 * 10**9


def utc_iso(tai_ns: int) -> str:
    """The UTC ISO string (microseconds, 'Z') of a TAI instant after 2017."""
    utc = dt.datetime.fromtimestamp((tai_ns - LEAP_SECONDS_NS) / 1e9, tz=dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def night_dates(n_nights: int, rng: np.random.Generator) -> list[int]:
    """Observing dates from FIRST_DAY_OBS on, with the irregular gaps of a real campaign."""
    day = dt.datetime.strptime(str(FIRST_DAY_OBS), "%Y%m%d").date()
    dates = []
    while len(dates) < n_nights:
        dates.append(int(day.strftime("%Y%m%d")))
        day += dt.timedelta(days=int(rng.choice([1, 1, 1, 2, 3, 7])))
    return dates


def zenith_and_azimuth(dec: float, hour_angle_deg: float) -> tuple[float, float]:
    """Zenith angle and azimuth (degrees) of a star at the site for an hour angle."""
    lat, d, h = np.radians(SITE_LATITUDE), np.radians(dec), np.radians(hour_angle_deg)
    alt = np.arcsin(np.sin(lat) * np.sin(d) + np.cos(lat) * np.cos(d) * np.cos(h))
    az = np.arctan2(-np.sin(h) * np.cos(d), np.cos(lat) * np.sin(d) - np.sin(lat) * np.cos(d) * np.cos(h))
    return float(90 - np.degrees(alt)), float(np.degrees(az) % 360)


def make_nights(n_nights: int, seed: int) -> list[Night]:
    """Deterministic nights for a seed: calibrations, then acquisition + empty/BG40/OG550 hologram triplets."""
    rng = np.random.default_rng(seed)
    nights = []
    for night_index, day_obs in enumerate(night_dates(n_nights, rng)):
        night = Night(day_obs, day_obs_start_tai_ns(day_obs))
        disperser = "holo4_001" if night_index % 9 == 4 else "holo4_003"
        seq = 0
        t = night.start_tai_ns + 2 * 3600 * 10**9  # afternoon calibrations from 14:00 TAI

        def add(pf: str, kind: str, target: str, exptime: float, hour_angle: float = 0.0) -> None:
            nonlocal seq, t
            seq += 1
            ra, dec = TARGETS.get(target, (0.0, -30.0))
            if kind in ("bias", "flat"):
                zenith, azimuth = (0.0, 0.0) if kind == "bias" else (30.0, 90.0)
            else:
                zenith, azimuth = zenith_and_azimuth(dec, hour_angle)
            begin = t
            end = t + int(max(exptime, 0.1) * 1e9)
            night.exposures.append(Exposure(
                id=day_obs * 100_000 + seq, day_obs=day_obs, seq_num=seq, physical_filter=pf,
                observation_type=kind, target_name=target, exposure_time=exptime,
                tracking_ra=ra, tracking_dec=dec, zenith_angle=round(zenith, 4), azimuth=round(azimuth, 4),
                sky_angle=round(float(rng.uniform(0, 360)), 3), begin_tai_ns=begin, end_tai_ns=end,
                science_program="BLOCK-311" if kind in ("science", "acq") else "unknown",
                observation_reason={"science": "spec", "acq": "acq"}.get(kind, "calibration"),
            ))
            t = end + int(rng.uniform(8, 25) * 1e9)

        for _ in range(int(rng.integers(8, 15))):
            add("empty~empty", "bias", "slew_icrs", 0.0)
        for _ in range(int(rng.integers(4, 9))):
            add("SDSSr_65mm~empty", "flat", "FlatField position", 2.0)
        t = night.start_tai_ns + 11 * 3600 * 10**9 + int(rng.uniform(0, 1800) * 1e9)  # ~23:00 UTC
        n_blocks = int(rng.integers(40, 95))
        names = list(TARGETS)
        for block in range(n_blocks):
            target = names[int(rng.integers(len(names)))]
            hour_angle = -60 + 120 * block / max(n_blocks - 1, 1) + float(rng.normal(0, 5))
            add(f"empty~{disperser}", "acq", target, 5.0, hour_angle)
            exptime = float(rng.choice([20.0, 30.0, 30.0, 40.0]))
            for filt in HOLO_FILTERS:
                add(f"{filt}~{disperser}", "science", target, exptime, hour_angle)
            if rng.random() < 0.08:
                add(f"{EXTRA_HOLO_FILTERS[int(rng.integers(2))]}~{disperser}", "science", target, exptime, hour_angle)
            if rng.random() < 0.1:
                add(f"{IMAGING_FILTERS[int(rng.integers(2))]}~empty", "science", target, 10.0, hour_angle)
            if rng.random() < 0.05:
                add("unknown~holo4_003", "engtest", target, 1.0, hour_angle)
        nights.append(night)
    return nights
