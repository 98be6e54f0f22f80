"""Generate agencies/data/region-names-en.csv: English names of provinces and prefectures.

    .venv/bin/pip install pypinyin && .venv/bin/python tools/region_names_en.py

Development only: the application reads the committed CSV (agencies/data/SOURCES.md says how the
names were made and checked). Provinces and conventional non-pinyin names (Hohhot, Urumqi, Lhasa
...) are written out below; other prefecture-level cities are Hanyu Pinyin of the name without
市 (pypinyin, its phrase dictionary settling polyphones such as 长春 Changchun, 蚌埠 Bengbu), with
an apostrophe before a, o or e starting a later syllable (Xi'an, Lu'an), as GB/T 16159 writes it.
Autonomous prefectures take their official English form; leagues (盟) "League"; 地区 "Prefecture".
English names two prefectures share (苏州/宿州 Suzhou) get their province: "Suzhou, Anhui".
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "agencies" / "data"

PROVINCES = {
    "110000": "Beijing", "120000": "Tianjin", "130000": "Hebei", "140000": "Shanxi",
    "150000": "Inner Mongolia", "210000": "Liaoning", "220000": "Jilin", "230000": "Heilongjiang",
    "310000": "Shanghai", "320000": "Jiangsu", "330000": "Zhejiang", "340000": "Anhui",
    "350000": "Fujian", "360000": "Jiangxi", "370000": "Shandong", "410000": "Henan",
    "420000": "Hubei", "430000": "Hunan", "440000": "Guangdong", "450000": "Guangxi",
    "460000": "Hainan", "500000": "Chongqing", "510000": "Sichuan", "520000": "Guizhou",
    "530000": "Yunnan", "540000": "Xizang", "610000": "Shaanxi", "620000": "Gansu",
    "630000": "Qinghai", "640000": "Ningxia", "650000": "Xinjiang", "710000": "Taiwan",
    "810000": "Hong Kong", "820000": "Macao",
}
# Names in conventional (non-pinyin) English, mostly from Mongolian, Uyghur and Tibetan.
CONVENTIONAL = {
    "呼和浩特市": "Hohhot", "鄂尔多斯市": "Ordos", "呼伦贝尔市": "Hulunbuir", "巴彦淖尔市": "Bayannur",
    "乌兰察布市": "Ulanqab", "兴安盟": "Hinggan League", "锡林郭勒盟": "Xilingol League",
    "阿拉善盟": "Alxa League", "大兴安岭地区": "Da Hinggan Ling Prefecture",
    "乌鲁木齐市": "Urumqi", "克拉玛依市": "Karamay", "吐鲁番市": "Turpan",
    "阿克苏地区": "Aksu Prefecture", "喀什地区": "Kashgar Prefecture", "和田地区": "Hotan Prefecture",
    "阿勒泰地区": "Altay Prefecture", "拉萨市": "Lhasa", "日喀则市": "Shigatse", "昌都市": "Qamdo",
    "林芝市": "Nyingchi", "那曲市": "Nagqu", "阿里地区": "Ngari Prefecture",
    "哈尔滨市": "Harbin", "齐齐哈尔市": "Qiqihar",
}
# Readings pypinyin's dictionaries get wrong for these place names (checked by eye: SOURCES.md).
POLYPHONES = {"长治市": "Changzhi", "朝阳市": "Chaoyang", "漯河市": "Luohe"}
# Autonomous prefectures: place name (conventional where one exists) and peoples, as officially named.
AUTONOMOUS_PLACE = {
    "阿坝": "Ngawa", "甘孜": "Garze", "迪庆": "Deqen", "果洛": "Golog", "博尔塔拉": "Bortala",
    "巴音郭楞": "Bayingolin", "克孜勒苏": "Kizilsu", "伊犁": "Ili",
}
PEOPLES = {
    "朝鲜族": "Korean", "土家族": "Tujia", "苗族": "Miao", "藏族": "Tibetan", "羌族": "Qiang",
    "彝族": "Yi", "布依族": "Bouyei", "侗族": "Dong", "哈尼族": "Hani", "壮族": "Zhuang",
    "傣族": "Dai", "白族": "Bai", "景颇族": "Jingpo", "傈僳族": "Lisu", "回族": "Hui",
    "蒙古族": "Mongol", "蒙古": "Mongol", "柯尔克孜": "Kyrgyz", "哈萨克": "Kazakh",
}


def pinyin(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.NORMAL, v_to_u=True)
    word = syllables[0]
    for s in syllables[1:]:
        word += ("'" if s[0] in "aoe" else "") + s
    return word.capitalize()


def autonomous(name: str) -> str:
    body = name.removesuffix("自治州")
    peoples = []
    while True:
        for zh in sorted(PEOPLES, key=len, reverse=True):
            if body.endswith(zh):
                peoples.insert(0, PEOPLES[zh])
                body = body[: -len(zh)]
                break
        else:
            break
    place = AUTONOMOUS_PLACE.get(body) or pinyin(body)
    who = peoples[0] if len(peoples) == 1 else ", ".join(peoples[:-1]) + " and " + peoples[-1]
    return f"{place} {who} Autonomous Prefecture"


def english(name: str) -> str:
    if name in CONVENTIONAL or name in POLYPHONES:
        return CONVENTIONAL.get(name) or POLYPHONES[name]
    if name.endswith("自治州"):
        return autonomous(name)
    if name.endswith("地区"):
        return pinyin(name.removesuffix("地区")) + " Prefecture"
    if name.endswith("盟"):
        return pinyin(name.removesuffix("盟")) + " League"
    return pinyin(name.removesuffix("市"))


def main() -> None:
    with open(DATA / "divisions.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["level"] in ("province", "prefecture")]
    out = []
    for r in rows:
        en = PROVINCES[r["code"]] if r["level"] == "province" else english(r["name"])
        out.append({"code": r["code"], "name": r["name"], "name_en": en})
    prefectures = [r for r in out if r["code"] not in PROVINCES]
    seen: dict[str, int] = {}
    for r in prefectures:
        seen[r["name_en"]] = seen.get(r["name_en"], 0) + 1
    for r in prefectures:
        if seen[r["name_en"]] > 1:
            r["name_en"] += ", " + PROVINCES[r["code"][:2] + "0000"]
    missing = set(PROVINCES) - {r["code"] for r in out}
    if missing:
        sys.exit(f"provinces missing from divisions.csv: {sorted(missing)}")
    with open(DATA / "region-names-en.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["code", "name", "name_en"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} names written")


if __name__ == "__main__":
    main()
