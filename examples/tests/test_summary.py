from wordfreq import summary

TEXT = "The cat and the hat. The cat's hat, and THE bat!"


def test_summary_skips_stopwords():
    # Under thread stress, several threads call this at once on a table nobody has built yet.
    summary._STOPWORDS = None
    assert summary.summary(TEXT, 2) == [("hat", 2), ("cat", 1)]


def test_main_prints_the_top_words(capsys):
    # capsys captures one process-wide stream: pytest-run-parallel runs this test in one thread.
    assert summary.main([TEXT]) == 0
    assert capsys.readouterr().out.splitlines()[0].split() == ["2", "hat"]
