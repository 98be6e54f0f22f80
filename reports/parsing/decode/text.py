"""Text bytes -> str: BOMs, UTF-16 without BOM, UTF-8, GB18030 against Big5 by common characters."""
from __future__ import annotations

import codecs
import re

from reports.parsing.decode.common import UnreadableDocument
from reports.parsing.decode.sniff import MSG_BINARY

# Very common characters of these reports, in both simplified and traditional forms: a wrong
# decoder (Big5 read as GBK or the reverse) turns them into rare characters, so the decoding
# with the higher share of these is the right one.
_COMMON = set(
    "公政开信息府的作工务年和行一条理进申度人发关实请主情要件办动网全及平制数况区中省厅报等不时在规会"
    "项布新了是法部提建设加二站门管其有重告本推国事方结保复化三强教目文我查策服民通各为机众大范内定依"
    "育以合解业收面社分上对容局共步计体处量求审性第类用单于力位点開地他高果议生好展相导河下组资领式"
    "同成题专科户问读诉四栏与做台落费效确程统综安知例源到改总答委持案土系据县按过微室完日传责期任施取"
    "经形能技督应出准员织监月供次决并批属立个市意正电善询未存明群权真密标指升整道切便五需十起照学受级"
    "障更置可断心深讼现宣向构接或由核版流认将阅续水渠围媒号编职预算回多子根后考域集直交征税维质增乡产"
    "录环利华六格務划予所限馆调已创基态积校图表镇财涉入署采闻间联执家档自促转极注就原健抓充金评举"
    "條進發關請辦動網數況區廳報時規會項設門國結復強爲機衆範內業對計體處審類單點議導組資領題專戶問讀"
    "訴欄與臺費確統綜總據縣過傳責經應準員織監決並屬個電詢羣權標學級斷訟現構認將閱續圍號編職預後徵稅"
    "維質鄉產錄環華劃館調創態積圖鎮財採聞間聯執檔轉極評舉參當載書萬無貫徹護補場堅負優訓視運獲減熱線"
    "達稱黨見則細這們來說與實還陽陰話"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
CJK = re.compile(r"[\u4e00-\u9fff]")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for text bytes: BOMs, UTF-16 without BOM, strict UTF-8,
    then GB18030 vs Big5 by common-character score, then charset-normalizer as last resort.
    Raise UnreadableDocument when the bytes are not text."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), enc.replace("-sig", ""))
            except UnicodeDecodeError:
                break
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked(data.decode(utf16, errors="replace"), utf16)
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 cut mid-character or with a stray bad byte is still UTF-8; GBK or Big5 bytes read
    # as UTF-8 give a replacement character every few characters instead.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(2, len(text) // 2000) and _score(text) > 0.2:
        return _checked(text.replace("\ufffd", ""), "utf-8")
    candidates = []
    # Preference on a tie: GB18030 (superset of GBK/GB2312), Big5, then Windows' Big5 superset.
    for rank, enc in enumerate(("gb18030", "big5", "cp950")):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            # A stray bad byte (truncated file) should not disqualify the right decoder.
            text = data.decode(enc, errors="replace")
            if text.count("\ufffd") > max(3, len(text) // 500):
                continue
        score = _score(text)
        candidates.append((score > 0.2, "\ufffd" not in text, score, -rank, enc, text))
    if candidates:
        plausible, _, _, _, enc, text = max(candidates)
        if plausible:
            return _checked(text, enc)
    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slow to import

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocument(MSG_BINARY)
    enc = codecs.lookup(best.encoding).name
    if enc in ("gbk", "gb2312", "hz"):
        enc = "gb18030"  # the superset never fails where the subsets succeed
    return _checked(data.decode(enc, errors="replace"), enc)


def _score(text: str) -> float:
    """Share of CJK characters that are common report characters."""
    cjk = CJK.findall(text)
    if not cjk:
        return 0.0
    return sum(ch in _COMMON for ch in cjk) / len(cjk)


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    # ASCII-heavy UTF-16 has NULs on one side; CJK-heavy UTF-16 decodes to common characters.
    if zeros_odd > 0.3 and zeros_even < 0.05:
        return "utf-16-le"
    if zeros_even > 0.3 and zeros_odd < 0.05:
        return "utf-16-be"
    if b"\x00" not in sample:
        try:
            data.decode("utf-8")
            return None
        except UnicodeDecodeError:
            pass
    best = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _score(text)
        if score > 0.5 and len(_CONTROL.findall(text)) < len(text) // 50 + 1 and (best is None or score > best[0]):
            best = (score, enc)
    return best[1] if best else None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if text and len(_CONTROL.findall(text[:20000])) > max(8, len(text[:20000]) // 50):
        raise UnreadableDocument(MSG_BINARY)
    return text, encoding


def normalize_newlines(text: str) -> str:
    """CRLF and CR-only (old-Mac; std-2019-hebei-jyt) line breaks become "\n"."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n")
