"""One visit's spectrum as a figure: flux against wavelength with flux ± error as a band, as the spectrum view shows it.

Fluxes are tiny numbers (1e-13 erg/s/cm2/nm): both the terminal plot and the file draw them in units of a power
of ten named on the axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..extraction.visit_files import VisitOutputs
from .files import new_figure

FLUX_UNIT = "erg/s/cm²/nm"
PAIR_COLOURS = (("#0072B2", "#56B4E9"), ("#D55E00", "#E69F00"))


@dataclass(frozen=True)
class SpectrumFigure:
    """A visit's spectrum: finite points, flux and error in units of 10**exponent, target and filter."""

    visit: int
    label: str
    lambdas: np.ndarray
    flux: np.ndarray
    err: np.ndarray
    exponent: int

    @property
    def title(self) -> str:
        """The visit and what it shows."""
        return f"visit {self.visit}" + (f": {self.label}" if self.label else "")

    @property
    def flux_label(self) -> str:
        """The flux axis's label, naming the power of ten the values are in."""
        return f"flux [1e{self.exponent} {FLUX_UNIT}]" if self.exponent else f"flux [{FLUX_UNIT}]"

    def draw(self):
        """The spectrum as a matplotlib Figure."""
        return draw_spectrum(self)


def spectrum_figure(visit: int, lambdas, flux, err, label: str = "") -> SpectrumFigure:
    """The points with a finite wavelength and flux, in the power of ten of the largest flux (no error: 0)."""
    lambdas, flux, err = (np.asarray(a, dtype="float64") for a in (lambdas, flux, err))
    finite = np.isfinite(lambdas) & np.isfinite(flux)
    peak = float(np.max(np.abs(flux[finite]), initial=0.0))
    exponent = int(np.floor(np.log10(peak))) if peak > 0 else 0
    scale = 10.0 ** -exponent
    return SpectrumFigure(int(visit), label, lambdas[finite], flux[finite] * scale,
                          np.nan_to_num(err[finite]) * scale, exponent)


def draw_spectrum(figure: SpectrumFigure):
    """Flux against wavelength, flux ± error shaded around it."""
    fig = new_figure()
    ax = fig.add_subplot()
    x, y, band = figure.lambdas, figure.flux, figure.err
    ax.fill_between(x, y - band, y + band, color="#56B4E9", alpha=0.4, linewidth=0, label="± error")
    ax.plot(x, y, color="#0072B2", linewidth=1.0, label="flux")
    ax.set_xlabel("wavelength [nm]")
    ax.set_ylabel(figure.flux_label)
    ax.legend(fontsize=8, loc="best")
    fig.suptitle(figure.title, fontsize=11)
    return fig


@dataclass(frozen=True)
class SpectrumPair:
    """One visit's spectrum in runs A and B (None where a run has none), both in the same power of ten."""

    visit: int
    label: str
    names: tuple[str, str]
    sides: tuple[SpectrumFigure | None, SpectrumFigure | None]
    exponent: int

    @property
    def title(self) -> str:
        """The visit, what it shows and the two runs."""
        shows = f"visit {self.visit}" + (f": {self.label}" if self.label else "")
        return f"{shows}  ·  {self.names[0]} vs {self.names[1]}"

    @property
    def flux_label(self) -> str:
        """The flux axis's label, naming the power of ten the values are in."""
        return f"flux [1e{self.exponent} {FLUX_UNIT}]" if self.exponent else f"flux [{FLUX_UNIT}]"

    def draw(self):
        """Both spectra as one matplotlib Figure."""
        return draw_pair(self)


def spectrum_pair(visit: int, a: VisitOutputs | None, b: VisitOutputs | None, names: tuple[str, str],
                  label: str = "") -> SpectrumPair:
    """Each run's spectrum of `visit` as spectrum_figure keeps it, rescaled to the larger of their powers of ten."""
    figures = [spectrum_figure(visit, o.spectrum.lambdas, o.spectrum.flux, o.spectrum.err, label)
               if o is not None and o.spectrum is not None else None for o in (a, b)]
    exponent = max((f.exponent for f in figures if f is not None), default=0)

    def rescaled(figure: SpectrumFigure | None, name: str) -> SpectrumFigure | None:
        if figure is None:
            return None
        scale = 10.0 ** (figure.exponent - exponent)
        return SpectrumFigure(figure.visit, name, figure.lambdas, figure.flux * scale, figure.err * scale, exponent)

    return SpectrumPair(int(visit), label, tuple(names), tuple(map(rescaled, figures, names)), exponent)


def draw_pair(pair: SpectrumPair):
    """Both runs' flux against wavelength, each with its flux ± error shaded, labelled by run."""
    fig = new_figure()
    ax = fig.add_subplot()
    for figure, (line, band) in zip(pair.sides, PAIR_COLOURS):
        if figure is None:
            continue
        x, y, err = figure.lambdas, figure.flux, figure.err
        ax.fill_between(x, y - err, y + err, color=band, alpha=0.3, linewidth=0)
        ax.plot(x, y, color=line, linewidth=1.0, label=figure.label)
    ax.set_xlabel("wavelength [nm]")
    ax.set_ylabel(pair.flux_label)
    ax.legend(fontsize=8, loc="best")
    fig.suptitle(pair.title, fontsize=11)
    return fig
