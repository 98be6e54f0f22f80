"""Agency-name normalization: one key per agency whatever the spacing, width or script."""
import re
import unicodedata
from functools import lru_cache

from reports.parsing.normalize import t2s_converter

_SPACE = re.compile(r"[\s\u200b\u3000]+")


@lru_cache(maxsize=4096)
def normalize_name(name: str) -> str:
    """Return the comparison key for an agency name: NFKC, no whitespace, simplified characters,
    brackets unified. '河北省 科学技术厅' and '河北省科學技術廳' give the same key."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _SPACE.sub("", text)
    text = t2s_converter().convert(text)
    return text.replace("（", "(").replace("）", ")")
