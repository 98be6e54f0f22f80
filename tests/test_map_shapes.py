"""The map's shape files (reports/map_shapes.py): derived from the bundled provinces, committed
as derived, the South China Sea islands only in the inset."""
import json
from pathlib import Path

from reports.map_shapes import HAINAN, INSET_BOX, clip_ring, derive, dumps

GEO = Path(__file__).resolve().parent.parent / "static" / "geo"


def _points(feature):
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [tuple(p) for polygon in polygons for ring in polygon for p in ring]


def test_committed_files_are_the_derivation_of_the_bundled_provinces():
    mainland, inset = derive(json.loads((GEO / "china-provinces.geojson").read_text(encoding="utf-8")))
    assert (GEO / "china-mainland.geojson").read_text(encoding="utf-8") == dumps(mainland)
    assert (GEO / "china-inset.geojson").read_text(encoding="utf-8") == dumps(inset)


def test_mainland_keeps_every_province_but_not_the_islands():
    mainland = json.loads((GEO / "china-mainland.geojson").read_text(encoding="utf-8"))
    assert len(mainland["features"]) == 34
    hainan = next(f for f in mainland["features"] if f["properties"]["adcode"] == HAINAN)
    assert min(y for _x, y in _points(hainan)) > 18.0  # Hainan Island only, no 南海诸岛
    assert min(y for f in mainland["features"] for _x, y in _points(f)) > 18.0


def test_inset_holds_the_islands_and_stays_in_its_box():
    inset = json.loads((GEO / "china-inset.geojson").read_text(encoding="utf-8"))
    west, south, east, north = INSET_BOX
    codes = {f["properties"]["adcode"] for f in inset["features"]}
    assert {"460000", "440000", "450000", "710000"} <= codes
    points = [p for f in inset["features"] for p in _points(f)]
    assert all(west <= x <= east and south <= y <= north for x, y in points)
    hainan = next(f for f in inset["features"] if f["properties"]["adcode"] == HAINAN)
    assert min(y for _x, y in _points(hainan)) < 4.0  # 曾母暗沙


def test_clipping_keeps_the_winding_and_closes_the_ring():
    square = [[0, 0], [0, 4], [4, 4], [4, 0], [0, 0]]  # clockwise, like d3's exteriors
    clipped = clip_ring(square, (1, 1, 10, 10))
    assert clipped[0] == clipped[-1]
    assert sorted(map(tuple, clipped[:-1])) == [(1, 1), (1, 4), (4, 1), (4, 4)]
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(clipped, clipped[1:]))
    assert area < 0  # still clockwise
    assert clip_ring(square, (5, 5, 10, 10)) is None
