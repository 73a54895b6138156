import re

_WORD = re.compile(r"[a-z']+")


def tokenize(text: str) -> list[str]:
    """Lower-cased words, apostrophes kept (don't, it's)."""
    return [w.strip("'") for w in _WORD.findall(text.lower()) if w.strip("'")]
