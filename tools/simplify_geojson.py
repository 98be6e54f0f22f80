"""Round static/geo/china-provinces.geojson to 0.01° (about 1 km; a national map draws ~6 km per
pixel) and drop the points that then repeat, keeping every ring (islands included) and its
winding. Keeps the map page's first load within budget (bench/page_weight.py, issue 11).

    python tools/simplify_geojson.py static/geo/china-provinces.geojson
"""
import json
import sys


def ring(points, digits=2):
    out = []
    for x, y in points:
        p = [round(x, digits), round(y, digits)]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) < 4:  # a small island: keep it at a finer grid rather than lose it
        return ring(points, digits + 1) if digits < 4 else [[round(x, 4), round(y, 4)] for x, y in points]
    return out


def simplify(geometry):
    if geometry["type"] == "Polygon":
        geometry["coordinates"] = [ring(r) for r in geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        geometry["coordinates"] = [[ring(r) for r in poly] for poly in geometry["coordinates"]]
    return geometry


def main(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for feature in data["features"]:
        simplify(feature["geometry"])
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))


if __name__ == "__main__":
    main(sys.argv[1])
