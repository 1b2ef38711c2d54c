"""Where things are on the statistics page's map: the Europe outline shipped in
library/data/europe.json and the city coordinates (`lat`, `lon`) of the register and the profiles.

The projection is Lambert azimuthal equal-area centred on Europe (as EPSG:3035 is), scaled to
the outline's frame; library/data/outline.py derives the outline with the same function.
Must not import Flask or the search side.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "europe.json"
CENTRE = (10.0, 52.0)  # lon, lat
# The frame, in projected units (radians on the unit sphere): west, north, east, south.
FRAME = (-0.40, 0.29, 0.46, -0.31)
WIDTH = 600  # SVG units; the height follows the frame's proportions


def project(lon: float, lat: float) -> tuple[float, float]:
    """(x, y) in SVG units of the frame (y down)."""
    lam, phi = math.radians(lon - CENTRE[0]), math.radians(lat)
    phi0 = math.radians(CENTRE[1])
    k = math.sqrt(
        2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam))
    )
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    west, north, east, _ = FRAME
    scale = WIDTH / (east - west)
    return (x - west) * scale, (north - y) * scale


def height() -> float:
    west, north, east, south = FRAME
    return WIDTH * (north - south) / (east - west)


@dataclass(frozen=True)
class Outline:
    width: float
    height: float
    countries: dict[str, str]  # ISO alpha-2 (or a name when it has none) -> SVG path data


@cache
def outline() -> Outline:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return Outline(data["width"], data["height"], data["countries"])


def city_coordinates(vocab) -> dict[str, tuple[float, float]]:
    """slug -> (lat, lon) for the cities of the register and the profiles that carry both."""
    return {
        slug: (city.lat, city.lon)
        for slug, city in vocab.cities.items()
        if city.lat is not None and city.lon is not None
    }


@cache
def _boxes() -> dict[str, tuple[float, float, float, float]]:
    """Each outline's bounding box (left, top, right, bottom) in SVG units."""
    found = {}
    for code, d in outline().countries.items():
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
        xs, ys = numbers[0::2], numbers[1::2]
        found[code] = (min(xs), min(ys), max(xs), max(ys))
    return found


def around(x: float, y: float, span: float) -> tuple[tuple[float, float, float, float], dict]:
    """A window of span × span/1.4 units centred on (x, y), and the outlines that reach it."""
    w, h = span, span / 1.4
    left, top = x - w / 2, y - h / 2
    near = {
        code: d
        for code, d in outline().countries.items()
        if not (
            _boxes()[code][2] < left
            or _boxes()[code][0] > left + w
            or _boxes()[code][3] < top
            or _boxes()[code][1] > top + h
        )
    }
    return (left, top, w, h), near


def inside(x: float, y: float) -> bool:
    """Whether a projected point falls within the map's frame."""
    return 0 <= x <= WIDTH and 0 <= y <= height()
