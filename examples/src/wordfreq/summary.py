"""A text's top words without the filler: a table built on first use, shared by every thread."""

import sys

from wordfreq.counting import count_words

_STOPWORDS = None


def _load() -> frozenset:
    return frozenset("a an and are as at be but by for if in is it of on or s the to with".split())


def is_stopword(word: str) -> bool:
    global _STOPWORDS
    table = _STOPWORDS
    if table is None:
        # Built aside and published whole: without the GIL another thread may read _STOPWORDS at
        # any moment, and must see no table or all of it, never a half-filled one. Thread stress
        # (pytest-run-parallel under 3.13t) is what checks this.
        table = _load()
        _STOPWORDS = table
    return word in table


def summary(text: str, n: int = 3) -> list[tuple[str, int]]:
    counts = count_words(text)
    return [(w, c) for w, c in counts.most_common() if not is_stopword(w)][:n]


def main(argv: list[str]) -> int:
    for word, count in summary(" ".join(argv)):
        print(f"{count:4d} {word}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
