"""Derives library/data/europe.json from Natural Earth country outlines (public domain), as the
npm package world-atlas ships them (countries-50m.json, TopoJSON):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python -m library.data.outline package/countries-50m.json

Decodes the TopoJSON arcs, projects them with library.geo.project, keeps the rings that reach
the map's frame and simplifies them (Douglas-Peucker, SIMPLIFY SVG units). Not used at run time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel import Locale

from library.opendata import geo

SIMPLIFY = 0.6
MARGIN = 40  # SVG units around the frame where rings are still kept
RENAMED = {  # world-atlas short names -> ISO alpha-2
    "Bosnia and Herz.": "BA", "Czechia": "CZ", "Macedonia": "MK", "Kosovo": "XK",
    "N. Cyprus": "CY", "Russia": "RU", "Moldova": "MD", "Vatican": "VA", "Faeroe Is.": "FO",
    "Åland": "AX", "Syria": "SY", "Palestine": "PS", "Turkey": "TR",
}  # fmt: skip


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    points: list = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points += arc[1:] if points else arc
    return points


def simplify(points: list, tolerance: float) -> list:
    if len(points) < 3:
        return points
    start, end = points[0], points[-1]
    far, far_at = 0.0, 0
    dx, dy = end[0] - start[0], end[1] - start[1]
    norm = (dx * dx + dy * dy) ** 0.5 or 1e-9
    for i in range(1, len(points) - 1):
        d = abs(dy * points[i][0] - dx * points[i][1] + end[0] * start[1] - end[1] * start[0])
        if d / norm > far:
            far, far_at = d / norm, i
    if far <= tolerance:
        return [start, end]
    left = simplify(points[: far_at + 1], tolerance)
    return left[:-1] + simplify(points[far_at:], tolerance)


def simplify_ring(points: list, tolerance: float) -> list:
    """A closed ring simplified in two halves (split at the point farthest from the first)."""
    x0, y0 = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2)
    first = simplify(points[: far + 1], tolerance)
    return first[:-1] + simplify(points[far:], tolerance)


def inside(points: list, width: float, height: float) -> bool:
    return any(
        -MARGIN <= x <= width + MARGIN and -MARGIN <= y <= height + MARGIN for x, y in points
    )


def path_data(polygons: list, arcs: list, width: float, height: float) -> str:
    parts = []
    for polygon in polygons:
        for indexes in polygon:
            points = [geo.project(lon, lat) for lon, lat in ring(arcs, indexes)]
            if not inside(points, width, height):
                continue
            points = simplify_ring(points, SIMPLIFY)
            if len(points) < 4:
                continue
            parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def main(source: str) -> None:
    topo = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topo)
    names = {name: code for code, name in Locale("en").territories.items() if len(code) == 2}
    width, height = geo.WIDTH, round(geo.height(), 1)
    countries = {}
    for shape in topo["objects"]["countries"]["geometries"]:
        name = shape["properties"]["name"]
        polygons = shape["arcs"] if shape["type"] == "MultiPolygon" else [shape["arcs"]]
        data = path_data(polygons, arcs, width, height)
        if data:
            code = RENAMED.get(name) or names.get(name) or name
            countries[code] = countries.get(code, "") + data
    result = {
        "source": "Natural Earth 1:50m countries via world-atlas 2.0.2 (public domain)",
        "width": width,
        "height": height,
        "countries": dict(sorted(countries.items())),
    }
    geo.DATA.write_text(json.dumps(result, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(countries)} countries, {geo.DATA.stat().st_size:,} bytes -> {geo.DATA}")


if __name__ == "__main__":
    main(sys.argv[1])
