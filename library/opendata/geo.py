"""Where things are on the statistics page's map: the Europe outline shipped in
library/data/europe.json and the city coordinates (`lat`, `lon`) of content/cities.yml.

The projection is Lambert azimuthal equal-area centred on Europe (as EPSG:3035 is), scaled to
the outline's frame; library/data/outline.py derives the outline with the same function.
Must not import Flask or the search side.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

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


def city_coordinates(content_dir: Path) -> dict[str, tuple[float, float]]:
    """slug -> (lat, lon) for the cities of content_dir/cities.yml that carry both."""
    path = Path(content_dir) / "cities.yml"
    return _read_coordinates(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _read_coordinates(path: str, _stamp: int) -> dict[str, tuple[float, float]]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    found = {}
    for entry in data.get("cities") or [] if isinstance(data, dict) else []:
        if not isinstance(entry, dict):
            continue
        lat, lon = entry.get("lat"), entry.get("lon")
        if _number(lat) and _number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
            found[str(entry.get("slug"))] = (float(lat), float(lon))
    return found


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
