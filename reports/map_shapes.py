"""The map's two shape files, derived from the bundled province shapes (static/geo/README.md).

china-mainland.geojson: every province as bundled, except Hainan's islands south of 18°N (the
South China Sea islands, 南海诸岛), which drawn at full scale pushed the mainland into a third
of the panel (issue 10). china-inset.geojson: every province clipped to the inset box (the
southern coast, Hainan, Taiwan and the islands), drawn small at the lower right of the map as
Chinese maps do. Pure functions over GeoJSON dicts; `manage.py derive_map_shapes` writes the
files and a test checks that the committed ones are what this module derives.
"""
from __future__ import annotations

import json

HAINAN = "460000"
ISLANDS_NORTH_OF = 18.0  # Hainan Island's southern tip is at 18.16°N; the Paracels end at 17.1°N
# (west, south, east, north) in degrees: 南海诸岛 down to 曾母暗沙 (3.9°N) and the coast above.
INSET_BOX = (106.5, 3.0, 123.0, 24.5)
PRECISION = 2  # decimals of the bundled shapes (tools/simplify_geojson.py: 0.01°)
# The inset draws ~17° of longitude in ~150 px (0.1° a pixel): its shapes snap to a 0.05° grid,
# small islands to 0.01° so that none disappears.
INSET_GRID = (0.05, 0.01)


def derive(collection):
    """Return (mainland, inset) FeatureCollections from the bundled provinces."""
    mainland, inset = [], []
    for feature in collection["features"]:
        polygons = _polygons(feature["geometry"])
        if feature["properties"]["adcode"] == HAINAN:
            kept = [p for p in polygons if max(y for _x, y in p[0]) >= ISLANDS_NORTH_OF]
        else:
            kept = polygons
        mainland.append(_feature(feature, kept))
        clipped = [c for c in (clip_polygon(p, INSET_BOX) for p in polygons) if c]
        clipped = [[snap_ring(r) for r in polygon] for polygon in clipped]
        if clipped:
            inset.append(_feature(feature, clipped))
    return ({"type": "FeatureCollection", "features": mainland},
            {"type": "FeatureCollection", "features": inset})


def dumps(collection):
    """Compact JSON, the bundled file's style (no spaces, Chinese names unescaped)."""
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))


def _polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return list(geometry["coordinates"])


def _feature(feature, polygons):
    geometry = ({"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1
                else {"type": "MultiPolygon", "coordinates": polygons})
    return {"type": "Feature", "id": feature.get("id"), "properties": feature["properties"],
            "geometry": geometry}


def clip_polygon(polygon, box):
    """Clip a polygon (exterior ring, holes) to a box (Sutherland–Hodgman per ring, which keeps
    each ring's winding: plotly's d3 winding must survive). None when nothing is inside."""
    exterior = clip_ring(polygon[0], box)
    if not exterior:
        return None
    holes = [h for h in (clip_ring(r, box) for r in polygon[1:]) if h]
    return [exterior] + holes


def clip_ring(ring, box):
    west, south, east, north = box
    points = [tuple(p) for p in ring[:-1]] if ring[0] == ring[-1] else [tuple(p) for p in ring]
    if all(west <= x <= east and south <= y <= north for x, y in points):
        return [list(p) for p in ring]
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    for inside, cross in edges:
        if not points:
            break
        out = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
        points = out
    points = [(round(x, PRECISION), round(y, PRECISION)) for x, y in points]
    points = [p for i, p in enumerate(points) if p != points[i - 1]] if len(points) > 1 else points
    if len(points) < 3:
        return None
    return [list(p) for p in points] + [list(points[0])]


def snap_ring(ring, grids=INSET_GRID):
    """The ring's points on the coarsest grid that leaves it a ring (4 points, closed), points
    that then repeat dropped; winding is kept (snapping moves points, never reorders them)."""
    for step in grids:
        out = []
        for x, y in ring:
            point = [round(round(x / step) * step, PRECISION), round(round(y / step) * step, PRECISION)]
            if not out or out[-1] != point:
                out.append(point)
        if len(out) >= 4 and out[0] == out[-1]:
            return out
    return ring


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)
