import threading
from collections import Counter

from wordfreq.tokenize import tokenize


def count_words(text: str) -> Counter:
    counts: Counter = Counter()
    for word in tokenize(text):
        counts[word] += 1
    return counts


def most_common(text: str, n: int = 3) -> list[tuple[str, int]]:
    return count_words(text).most_common(n)


def parallel_count(chunks: list[str], threads: int = 4) -> Counter:
    """Counts chunks on several threads: real parallelism only on a free-threaded build."""
    total: Counter = Counter()
    lock = threading.Lock()

    def work(part: list[str]) -> None:
        local: Counter = Counter()
        for chunk in part:
            local.update(count_words(chunk))
        with lock:
            total.update(local)

    parts = [chunks[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=work, args=(p,)) for p in parts]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return total
