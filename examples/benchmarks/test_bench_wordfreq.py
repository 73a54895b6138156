from wordfreq import count_words, parallel_count

TEXT = " ".join(["the quick brown fox jumps over the lazy dog"] * 200)


def test_count_words(benchmark):
    result = benchmark(count_words, TEXT)
    assert result["the"] == 400


def test_parallel_count(benchmark):
    chunks = [TEXT[:2000]] * 64
    result = benchmark(parallel_count, chunks, 4)
    assert result["fox"] > 0
