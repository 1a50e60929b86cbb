"""Spectractor outputs for demo visits, in the real byte formats: spectrum FITS and FitParameters JSON."""

from __future__ import annotations

import json

import numpy as np

from .fitsfile import fits_bytes
from .observations import Exposure, utc_iso

INF = float("inf")

SPECTRUM_LABELS = {
    "3.0.2": ["A1", "A2", "VAOD", "angstrom_exp_log10", "ozone [db]", "PWV [mm]", "reso [pix]",
              "D_CCD [mm]", "alpha_pix [pix]", "B"],
    "3.1.0": ["A1", "A2", "VAOD", "angstrom_exp", "ozone [db]", "PWV [mm]", "reso [pix]",
              "D_CCD [mm]", "alpha_pix [pix]", "B"],
    "3.2.1": ["A1", "A2", "VAOD", "angstrom_exp", "ozone [db]", "PWV [mm]", "reso [nm]",
              "D_CCD [mm]", "alpha_pix [pix]", "B"],
}
SPECTROGRAM_GLOBALS = {
    "3.0.2": ["A1", "A2", "A3", "VAOD", "angstrom_exp_log10", "ozone [db]", "PWV [mm]", "D_CCD [mm]",
              "shift_x [pix]", "shift_y [pix]", "angle [deg]", "B"],
    "3.1.0": ["A1", "A2", "A3", "VAOD", "angstrom_exp", "ozone [db]", "PWV [mm]", "D_CCD [mm]",
              "shift_x [pix]", "shift_y [pix]", "angle [deg]", "B", "A_star"],
    "3.2.1": ["A1", "A2", "A3", "VAOD", "angstrom_exp", "ozone [db]", "PWV [mm]", "B", "A_star",
              "D_CCD [mm]", "shift_x [pix]", "shift_y [pix]", "angle [deg]", "P [hPa]"],
}
PSF_TERMS = ["x_c_0", "x_c_1", "x_c_2", "y_c_0", "y_c_1", "y_c_2", "gamma_0", "gamma_1", "gamma_2",
             "alpha_0", "alpha_1", "alpha_2", "saturation_0"]
BOUNDS = {
    "A1": (0, 2), "A2": (0, 2), "A3": (0, 2), "VAOD": (0, 10), "angstrom_exp": (0, 4),
    "angstrom_exp_log10": (-2, 2), "ozone [db]": (100, 700), "PWV [mm]": (0, 20), "reso [pix]": (0.5, 20),
    "reso [nm]": (0.5, 20), "alpha_pix [pix]": (-10, 10), "B": (-INF, INF), "A_star": (0, INF),
    "shift_x [pix]": (-10, 10), "shift_y [pix]": (-10, 10), "angle [deg]": (-90, 90), "P [hPa]": (0, INF),
}
ALWAYS_FIXED = {"A1", "A2", "A3", "B"}


def spectrogram_labels(version: str) -> list[str]:
    """Global labels then the Moffat PSF polynomial terms for diffraction orders 1, 2 and 3."""
    return SPECTROGRAM_GLOBALS[version] + [f"{t}_{order}" for order in (1, 2, 3) for t in PSF_TERMS]


def _is_fixed(label: str, red_filter: bool, version: str) -> bool:
    if label in ALWAYS_FIXED:
        return True
    if label.startswith(("x_c_", "y_c_", "saturation_")):
        return True
    if label.endswith(("_2", "_3")) and label.count("_") == 2 and not label.split("_")[1] == "0":
        return True
    return label == "angstrom_exp" and red_filter and version == "3.2.1"


def _value(label: str, atmosphere: dict[str, float], header: dict[str, object], rng: np.random.Generator) -> float:
    base = {
        "A1": 1.0, "A2": 1.0, "A3": 0.0, "B": 1.0, "A_star": rng.normal(1.0, 0.05),
        "VAOD": atmosphere["VAOD"], "ozone [db]": atmosphere["ozone"], "PWV [mm]": atmosphere["PWV"],
        "angstrom_exp": atmosphere["angstrom"], "angstrom_exp_log10": np.log10(atmosphere["angstrom"]),
        "reso [pix]": rng.uniform(1.0, 3.0), "reso [nm]": rng.uniform(0.7, 2.5),
        "D_CCD [mm]": float(header["D2CCD"]) + rng.normal(0, 0.02),
        "alpha_pix [pix]": float(header["PIXSHIFT"]) + rng.normal(0, 0.3),
        "shift_x [pix]": rng.normal(1.0, 1.0), "shift_y [pix]": rng.normal(0, 0.8),
        "angle [deg]": float(header["ROTANGLE"]), "P [hPa]": float(header["OUTPRESS"]),
    }
    if label in base:
        return float(base[label])
    term = label.rsplit("_", 1)[0]
    return float({"gamma_0": rng.uniform(2, 8), "gamma_1": rng.uniform(-2, 1), "gamma_2": rng.uniform(-1, 2),
                  "alpha_0": rng.uniform(1.5, 3.5), "alpha_1": rng.normal(0, 0.3),
                  "alpha_2": rng.normal(0, 0.2), "x_c_0": rng.uniform(0, 1000), "y_c_0": 0.0,
                  "saturation_0": 1e6}.get(term, 0.0))


ERR_SCALE = {"VAOD": 0.005, "ozone [db]": 4.0, "PWV [mm]": 0.06, "angstrom_exp": 0.1,
             "angstrom_exp_log10": 0.04, "D_CCD [mm]": 0.03, "alpha_pix [pix]": 0.05, "A_star": 0.01,
             "P [hPa]": 2.0}


def fit_parameters(labels: list[str], atmosphere: dict[str, float], header: dict[str, object],
                   red_filter: bool, version: str, rng: np.random.Generator) -> dict[str, object]:
    """A FitParameters dictionary with Spectractor's keys, in its key order, cov over the free parameters."""
    values = [_value(label, atmosphere, header, rng) for label in labels]
    fixed = [_is_fixed(label, red_filter, version) for label in labels]
    free = [i for i, f in enumerate(fixed) if not f]
    sigma = np.array([ERR_SCALE.get(labels[i], 0.02) * rng.uniform(0.6, 1.6) for i in free])
    cov = np.diag(sigma**2)
    names = [labels[i] for i in free]
    if "PWV [mm]" in names and "ozone [db]" in names:
        a, b = names.index("PWV [mm]"), names.index("ozone [db]")
        cov[a, b] = cov[b, a] = 0.3 * sigma[a] * sigma[b]
    chi2 = float(rng.gamma(4.0, 0.4))
    return {
        "values": values,
        "labels": labels,
        "axis_names": [f"${label.split(' ')[0]}$" for label in labels],
        "bounds": [list(BOUNDS.get(label, (-INF, INF))) for label in labels],
        "fixed": fixed,
        "truth": None,
        "filename": "",
        "extra": {"chi2": chi2, "date-obs": header["DATE-OBS"], "outliers": int(rng.integers(0, 20))},
        "cov": cov.tolist(),
    }


def night_atmosphere(day_obs: int, seed: int) -> dict[str, float]:
    """The night's atmosphere, shared by every run that processes it (runs differ only by fit noise)."""
    rng = np.random.default_rng([seed, day_obs])
    return {"PWV": float(np.clip(rng.gamma(3.0, 1.9), 0.6, 18)), "ozone": float(rng.normal(277, 19)),
            "VAOD": float(np.clip(rng.lognormal(np.log(0.035), 0.5), 0.005, 0.7)),
            "angstrom": float(rng.normal(1.46, 0.12))}


def spectrum_header(exposure: Exposure, version: str, rng: np.random.Generator) -> dict[str, object]:
    """The primary-header keys Spectractor writes, in its order, with realistic values for the exposure."""
    airmass = 1.0 / np.cos(np.radians(min(exposure.zenith_angle, 75.0)))
    mid = (exposure.begin_tai_ns + exposure.end_tai_ns) // 2
    return {
        "TARGET": exposure.target_name, "REDSHIFT": 0.0, "GRATING": exposure.disperser,
        "ROTANGLE": round(float(rng.uniform(0.18, 0.5)), 5), "D2CCD": round(float(rng.normal(187.4, 0.12)), 4),
        "LSHIFT": 0.0, "PARANGLE": round(float(rng.uniform(-180, 180)), 4),
        "TARGETX": round(float(rng.normal(150, 8)), 3), "TARGETY": round(float(rng.normal(870, 12)), 3),
        "LBDA_REF": round(float(rng.uniform(550, 597)), 3), "PSF_REG": float(10 ** rng.uniform(-10.5, 0.25)),
        "TRACE_R": round(float(rng.uniform(190, 470)), 3), "MEANFWHM": round(float(rng.uniform(3.4, 6.7)), 4),
        "CHI2_FIT": round(float(rng.lognormal(np.log(35), 0.6)), 4), "PIXSHIFT": round(float(rng.uniform(-1, 0.1)), 4),
        "A2_FIT": 1.0, "AM_FIT": round(float(airmass), 5), "FILTER": exposure.filter,
        "DATE-OBS": utc_iso(mid), "EXPTIME": exposure.exposure_time, "AIRMASS": round(float(airmass), 5),
        "DEC": exposure.tracking_dec, "HA": round(float(rng.uniform(-60, 60)), 4),
        "OUTTEMP": round(float(rng.uniform(5, 20)), 2), "OUTPRESS": round(float(rng.uniform(740, 750)), 2),
        "OUTHUM": None if rng.random() < 0.03 else round(float(rng.uniform(5, 60)), 1),
        "CAM_ROT": round(float(rng.uniform(-90, 270)), 3), "S_X0": round(float(rng.uniform(100, 200)), 3),
        "S_Y0": round(float(rng.uniform(80, 100)), 3), "S_XMIN": 0, "S_XMAX": 1400, "S_YMIN": 760, "S_YMAX": 940,
        "S_NX": 1400, "S_NY": 180, "S_DEG": 2, "S_SAT": 95000.0, "S_ORDER": 1,
        "UNIT1": "nanometer", "UNIT2": "erg/s/cm$^2$/nm", "COMMENTS": "lambdas, flux and flux error",
        "VERSION": version, "CCD_REBIN": 2, "CONFIG": "", "EXTNAME": "SPECTRUM",
    }


N_SAMPLES = 360


def spectrum_fits(header: dict[str, object], red_filter: bool, rng: np.random.Generator) -> bytes:
    """A spectrum FITS file: the header above and a (3, N) [lambdas, flux, err] primary array."""
    pixels = np.arange(N_SAMPLES)
    lambdas = 300 + 800 * (pixels / (N_SAMPLES - 1)) ** 1.05 + rng.normal(0, 0.05)
    flux = 1e-12 * (lambdas / 500) ** -2 * np.exp(-(((lambdas - 760) / 4) ** 2) * 0.6)
    if red_filter:
        flux = flux / (1 + np.exp(-(lambdas - 550) / 5))
    err = 0.02 * flux + 1e-15
    flux = flux + rng.normal(0, 1, N_SAMPLES) * err
    return fits_bytes(header, np.vstack([lambdas, flux, err]))


def json_bytes(params: dict[str, object]) -> bytes:
    """FitParameters JSON as Spectractor writes it: bare Infinity/NaN allowed."""
    return json.dumps(params).encode()
