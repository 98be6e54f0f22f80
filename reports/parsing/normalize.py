"""Normalization of extracted text: no inline pinyin, simplified script, NFKC, one space, with offsets.

Conventions the layout rules and checks rely on (keep them stable):
- NFKC: full-width digits, letters, spaces and punctuation become ASCII: "（" -> "(",
  "）" -> ")", "，" -> ",", "：" -> ":", "；" -> ";", "１２" -> "12", U+3000 -> " ";
  "。", "、", "“”", "《》", "〔〕" are not NFKC-compatible characters and stay as they are;
  "①" -> "1", "⑴" -> "(1)", "…" -> "...".
- CJK radical code points become the unified ideographs they look like: PDF text layers spell
  characters with them ("平潭县人⺠政府", U+2EA0 for 民; drv-pdf-txt-old-2011-pingtan-county).
  NFKC maps the Kangxi radicals (U+2F00–U+2FDF) but not the CJK Radicals Supplement
  (U+2E80–U+2EFF); both go through one table, length-preserving.
- Traditional text (detected, see `is_traditional`) is converted with OpenCC t2s.
- Inline pinyin after a CJK character is removed: "領(lǐng)導(dǎo)" -> "领导".
- Whitespace: zero-width characters (U+200B/C/D, U+2060, U+FEFF, soft hyphen) are deleted;
  inside a line every run of spaces and tabs becomes one " "; spaces at line starts and
  ends are removed; every line break is kept (blank lines too: some dumps put one table
  cell per line with blank lines for blank cells); " | " cell separators survive as " | ".
- `offsets[i]` is the index in the original text of normalized character i, with
  len(text) + 1 entries (the last is len(original)).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Normalized:
    text: str
    script: str
    offsets: tuple[int, ...]


# Very common characters that differ between the scripts. Counting them is far cheaper than
# converting, and most reports are simplified.
TRADITIONAL_MARKERS = "這個們來會說時國後開關發與對應當實現過還點數據見門問間陽陰書學體電話經總報議區縣廳機級處務辦統計劃"
SIMPLIFIED_MARKERS = "这个们来会说时国后开关发与对应当实现过还点数据见门问间阳阴书学体电话经总报议区县厅机级处务办统计划"
_TRAD_ONLY = "".join(t for t, s in zip(TRADITIONAL_MARKERS, SIMPLIFIED_MARKERS) if t != s)
_SIMP_ONLY = "".join(s for t, s in zip(TRADITIONAL_MARKERS, SIMPLIFIED_MARKERS) if t != s)
_TRAD_RE = re.compile(f"[{_TRAD_ONLY}]")
_SIMP_RE = re.compile(f"[{_SIMP_ONLY}]")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = re.compile(
    rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]([a-zü{_TONED}]{{1,7}})[)）]")
_TONED_RE = re.compile(f"[{_TONED}]")
_PLAIN_SYLLABLE = re.compile(r"^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:[aeiouvü]{1,3})(?:n|ng|r)?$")

# CJK Radicals Supplement -> Equivalent_Unified_Ideograph, pairs of (radical, ideograph) from
# Unicode's EquivalentUnifiedIdeograph.txt (U+2E81..U+2EF3; U+2E80 and U+2E9A have none).
_RADICAL_SUPPLEMENT = (
    "⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺇𠘨⺈刀⺉刂⺊卜⺋㔾⺌小⺍小⺎兀⺏尣⺐尢⺑𡯂⺒巳⺓幺⺔彑"
    "⺕彐⺖忄⺗心⺘扌⺙攵⺛旡⺜日⺝月⺞歺⺟母⺠民⺡氵⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩王"
    "⺪𤴔⺫目⺬示⺭礻⺮𥫗⺯糹⺰纟⺱罓⺲罒⺳㓁⺴冗⺵𦉫⺶羊⺷𦍌⺸𦍋⺹耂⺺肀⺻聿⺼肉⺽𦥑"
    "⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻄西⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶⻍辶⻎辶⻏邑⻐钅⻑長"
    "⻒镸⻓长⻔门⻕𨸏⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻞𩙿⻟飠⻠饣⻡𩠐⻢马⻣骨⻤鬼⻥鱼"
    "⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
RADICALS = {ord(r): i for r, i in zip(*[iter("".join(_RADICAL_SUPPLEMENT))] * 2)}
RADICALS.update({cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)})
_RADICAL_RE = re.compile("[\u2e80-\u2fdf]")

_STABLE = re.compile(r"[\x00-\x9f\u4e00-\u9fff\u3001\u3002\u300a-\u3011\u201c\u201d]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]+")
_SPACES = re.compile(r"[ \t\x0b\x0c]+")


def is_traditional(text: str) -> bool:
    """True when common traditional-only characters outnumber their simplified forms."""
    trad = len(_TRAD_RE.findall(text))
    if trad < 3:
        return False
    return trad > len(_SIMP_RE.findall(text))


def normalize(text: str) -> Normalized:
    """Return the normalized text, its script and the offset map back into `text`."""
    offsets = list(range(len(text) + 1))
    if _RADICAL_RE.search(text):
        text = text.translate(RADICALS)  # one code point for one: offsets unchanged
    text, offsets = strip_pinyin(text, offsets)
    script = "simplified"
    if is_traditional(text):
        script = "traditional"
        text, offsets = _to_simplified(text, offsets)
    text, offsets = _nfkc(text, offsets)
    text, offsets = _unify_whitespace(text, offsets)
    return Normalized(text=text, script=script, offsets=tuple(offsets))


def _rebuild(text: str, offsets: list[int], edits) -> tuple[str, list[int]]:
    """Apply (start, end, replacement) edits, in order and non-overlapping; every character
    of a replacement maps to the original offset of the span it replaces."""
    parts: list[str] = []
    new_offsets: list[int] = []
    pos = 0
    for start, end, repl in edits:
        parts.append(text[pos:start])
        new_offsets.extend(offsets[pos:start])
        parts.append(repl)
        new_offsets.extend([offsets[start]] * len(repl))
        pos = end
    if not parts:
        return text, offsets
    parts.append(text[pos:])
    new_offsets.extend(offsets[pos:])
    return "".join(parts), new_offsets


def strip_pinyin(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Remove "(lǐng)" annotations after CJK characters. Toneless syllables ("(de)") go only
    when the document carries toned ones, so "(a)"-style labels in ordinary text survive."""
    if "(" not in text and "（" not in text:
        return text, offsets
    matches = list(_PINYIN.finditer(text))
    if not matches:
        return text, offsets
    toned = [m for m in matches if _TONED_RE.search(m.group(1))]
    if not toned:
        return text, offsets
    keep_plain = len(toned) >= 3
    edits = [(m.start(), m.end(), "") for m in matches
             if _TONED_RE.search(m.group(1)) or (keep_plain and _PLAIN_SYLLABLE.match(m.group(1)))]
    return _rebuild(text, offsets, edits)


@lru_cache(maxsize=1)
def t2s_converter():
    """The one OpenCC traditional-to-simplified converter (agency names use it too)."""
    from opencc import OpenCC  # loaded on first traditional text only

    return OpenCC("t2s")


def _to_simplified(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    convert = t2s_converter().convert
    out = convert(text)
    if len(out) == len(text):
        return out, offsets
    # A phrase rule changed the length somewhere: convert line by line and, on the lines
    # that changed length, character by character so offsets stay exact.
    parts: list[str] = []
    for line in text.splitlines(keepends=True):
        conv = convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c := convert(ch)) == 1 else ch for ch in line)
        parts.append(conv)
    return "".join(parts), offsets


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch)


def _nfkc(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    if unicodedata.is_normalized("NFKC", text):
        return text, offsets
    one_to_one: dict[int, str] = {}
    other: set[str] = set()
    # ASCII and CJK unified ideographs are NFKC-stable: look only at the other characters.
    for ch in set(_STABLE.sub("", text)):
        n = _nfkc_char(ch)
        if n != ch:
            if len(n) == 1:
                one_to_one[ord(ch)] = n
            else:
                other.add(ch)
    if one_to_one:
        text = text.translate(one_to_one)  # length-preserving, offsets unchanged
    if other:
        pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(other)) + "]")
        text, offsets = _rebuild(text, offsets, ((m.start(), m.end(), _nfkc_char(m.group()))
                                                 for m in pattern.finditer(text)))
    if not unicodedata.is_normalized("NFKC", text):
        # Combining sequences compose only in context: normalize each base+marks cluster.
        cluster = re.compile(r".[\u0300-\u036f\u3099\u309a]+", re.S)
        text, offsets = _rebuild(text, offsets, ((m.start(), m.end(), unicodedata.normalize("NFKC", m.group()))
                                                 for m in cluster.finditer(text)))
    return text, offsets


def _unify_whitespace(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    if _ZERO_WIDTH.search(text):
        text, offsets = _rebuild(text, offsets, ((m.start(), m.end(), "") for m in _ZERO_WIDTH.finditer(text)))
    edits = []
    n = len(text)
    for m in _SPACES.finditer(text):
        start, end = m.start(), m.end()
        at_edge = start == 0 or text[start - 1] == "\n" or end == n or text[end] == "\n"
        if at_edge:
            edits.append((start, end, ""))
        elif end - start > 1 or text[start] != " ":
            edits.append((start, end, " "))
    if edits:
        text, offsets = _rebuild(text, offsets, edits)
    return text, offsets
