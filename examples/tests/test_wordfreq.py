import sys

from wordfreq import count_words, most_common, parallel_count, tokenize

TEXT = "The cat and the hat. The cat's hat, and THE bat!"


def test_tokenize_lowercases_and_keeps_apostrophes():
    assert tokenize("Don't STOP") == ["don't", "stop"]


def test_count_words():
    counts = count_words(TEXT)
    assert counts["the"] == 4
    assert counts["hat"] == 2


def test_most_common():
    assert most_common(TEXT, 1) == [("the", 4)]


def test_parallel_count_matches_serial():
    chunks = [TEXT] * 200
    assert parallel_count(chunks, threads=8) == count_words(" ".join(chunks))


def test_interpreter_reports_its_build():
    # Runs everywhere; on a free-threaded build the GIL stays off for this pure-Python package.
    if hasattr(sys, "_is_gil_enabled"):
        import sysconfig

        if sysconfig.get_config_var("Py_GIL_DISABLED"):
            assert not sys._is_gil_enabled()
