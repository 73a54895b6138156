"""Word frequencies: a little pure-Python work that CPython's builds do differently."""

from wordfreq.counting import count_words, most_common, parallel_count
from wordfreq.tokenize import tokenize

__all__ = ["count_words", "most_common", "parallel_count", "tokenize"]
