"""normalize.normalize: script detection and conversion, NFKC, pinyin removal, whitespace, offsets."""
import pytest

from reports.parsing.decode import extract_text
from reports.parsing.normalize import is_traditional, normalize
from tests.conftest import CORPUS_DIR


def _check_offsets(original: str, result) -> None:
    assert len(result.offsets) == len(result.text) + 1
    assert result.offsets[-1] == len(original)
    assert list(result.offsets) == sorted(result.offsets)
    assert all(0 <= o <= len(original) for o in result.offsets)


@pytest.mark.parametrize("snippet, expected", [
    ("（一）予以公开", "(一)予以公开"),
    ("１２３件", "123件"),
    ("申请人：自然人，３件；", "申请人:自然人,3件;"),
    ("“三安全一稳定”", "“三安全一稳定”"),
    ("《条例》〔2019〕", "《条例》〔2019〕"),
    ("二、主动公开。", "二、主动公开。"),
    ("①予以公开", "1予以公开"),
    ("⑴予以公开", "(1)予以公开"),
    ("等…", "等..."),
])
def test_nfkc(snippet, expected):
    """Full-width digits and punctuation become ASCII; 。、“”《》〔〕 stay."""
    result = normalize(snippet)
    assert result.text == expected
    _check_offsets(snippet, result)


@pytest.mark.parametrize("snippet, expected", [
    ("領(lǐng)導(dǎo)", "領導"),
    ("正確領(lǐng)導(dǎo)下", "正確領導下"),
    ("領（lǐng）導（dǎo）", "領導"),
    ("認(rèn)真的(de)工作實(shí)現(xiàn)", "認真的工作實現"),
])
def test_inline_pinyin_is_stripped_before_conversion(snippet, expected):
    result = normalize(snippet)
    # Only the pinyin goes; conversion happens only when the text is traditional overall.
    assert result.text.replace("领", "領").replace("导", "導").replace("认", "認").replace(
        "实", "實").replace("现", "現") == expected


@pytest.mark.parametrize("snippet", [
    "条例(试行)",
    "网站(www.gov.cn)",
    "附件(a)",           # no toned syllable anywhere: a label, not pinyin
    "2019年(含)",
    "X(de)",             # not after a CJK character
])
def test_parentheses_that_are_not_pinyin_survive(snippet):
    assert normalize(snippet).text == snippet


def test_traditional_is_converted_and_flagged():
    original = "這個報告說明了國土資源局的政府信息公開工作情況，與往年相比還有進步。"
    result = normalize(original)
    assert result.script == "traditional"
    assert result.text == "这个报告说明了国土资源局的政府信息公开工作情况,与往年相比还有进步。"
    _check_offsets(original, result)


@pytest.mark.parametrize("snippet, traditional", [
    ("这个报告说明了国土资源局的情况", False),
    ("這個報告說明了國土資源局的情況", True),
    ("发布了《這個》文件，这是我们的工作，这里说明", False),  # one quoted traditional title
    ("", False),
])
def test_script_detection(snippet, traditional):
    assert is_traditional(snippet) is traditional


def test_simplified_text_is_left_alone():
    original = "河北省教育厅2019年政府信息公开工作年度报告"
    result = normalize(original)
    assert result.script == "simplified"
    assert result.text == original
    assert result.offsets == tuple(range(len(original) + 1))


@pytest.mark.parametrize("snippet, expected", [
    ("　　一、总体情况", "一、总体情况"),
    ("本年新收  |  5 | 6  ", "本年新收 | 5 | 6"),
    ("a\t\tb", "a b"),
    ("(\u200b三)", "(三)"),                     # old-2014/2015-pingtan-zone: invisible char
    ("行\u00a0政\u3000复议", "行 政 复议"),
    ("a\n\n\nb", "a\n\n\nb"),                     # blank lines are blank table cells in some dumps
    ("a | | b", "a | | b"),
    ("\ufeff标题", "标题"),
])
def test_whitespace(snippet, expected):
    result = normalize(snippet)
    assert result.text == expected
    _check_offsets(snippet, result)


def test_offsets_point_at_the_original_characters():
    original = "　　（三）不予公开　　３件，領(lǐng)導(dǎo)說"
    result = normalize(original)
    i = result.text.index("3")
    assert original[result.offsets[i]] == "３"
    j = result.text.index("(三)")
    assert original[result.offsets[j]:result.offsets[j + 3]] == "（三）"


def test_seed_003_traditional_with_pinyin():
    """Seed 003: traditional text with inline pinyin after nearly every annotated character."""
    path = CORPUS_DIR / "seeds" / "003_1295a5a6f98c0b8f.txt"
    original = extract_text(path.read_bytes(), filename=path.name).text
    result = normalize(original)
    assert result.script == "traditional"
    assert "正确领导下" in result.text
    assert "(lǐng)" not in result.text and "(shí)" not in result.text
    assert "《安徽省全面推进政务公开工作实施细则》" in result.text
    _check_offsets(original, result)
    i = result.text.index("领导")
    # The original span covers the removed annotations too: evidence shows the report as printed.
    assert original[result.offsets[i]:result.offsets[i + 2]] == "領(lǐng)導(dǎo)"


@pytest.mark.parametrize("path", sorted((CORPUS_DIR).rglob("*.txt")), ids=lambda p: p.name)
def test_corpus_offsets_are_consistent(path):
    original = extract_text(path.read_bytes(), filename=path.name).text
    result = normalize(original)
    _check_offsets(original, result)
    assert "\r" not in result.text and "\u200b" not in result.text and "  " not in result.text


@pytest.mark.parametrize("raw, expected", [
    ("平潭县人\u2ea0政府", "平潭县人民政府"),      # CJK Radicals Supplement: NFKC leaves it
    ("\u2f08民政府", "人民政府"),                   # Kangxi radical
    ("工作\u2ed3效机制", "工作长效机制"),
    ("\u2eec全", "齐全"),
])
def test_cjk_radicals_become_unified_ideographs(raw, expected):
    """PDF text layers spell characters with radical code points (drv-pdf-txt-old-2011-pingtan-county)."""
    out = normalize(raw)
    assert out.text == expected
    assert len(out.offsets) == len(out.text) + 1
