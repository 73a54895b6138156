import pytest

from wordfreq import count_words, parallel_count

TEXT = " ".join(["the quick brown fox jumps over the lazy dog"] * 200)


def test_count_words(benchmark):
    result = benchmark(count_words, TEXT)
    assert result["the"] == 400


# The same 64 chunks split over more threads: the action reads the `threads` parameter and shows
# how each build scales (with the GIL, flat; free-threaded, faster up to the cores there are).
@pytest.mark.parametrize("threads", [1, 2, 4])
def test_parallel_count(benchmark, threads):
    chunks = [TEXT[:2000]] * 64
    result = benchmark(parallel_count, chunks, threads)
    assert result["fox"] > 0
