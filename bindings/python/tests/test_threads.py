"""One Classifier shared by 8 threads gives the same results as one thread."""
import threading
from concurrent.futures import ThreadPoolExecutor

import bouncewhy
from conftest import corpus_dir, corpus_files, shared_corpus_dir

THREADS = 8


def _inputs():
    """(kind, payload) work: every corpus file as bytes and by path, bare replies."""
    work = []
    dirs = [corpus_dir()] + ([shared_corpus_dir()] if shared_corpus_dir() else [])
    for d in dirs:
        for diag in bouncewhy.scan(d, on_error="skip"):
            if diag.mbox_index is None:
                work.append(("file", diag.source))
    for path in corpus_files():
        with open(path, "rb") as f:
            work.append(("bytes", f.read()))
    for reply in ("550 5.1.1 user unknown", "421 4.7.0 [TSS04] Messages from 192.0.2.1 "
                  "temporarily deferred", "550 SC-001 (BAY004-MC1F7) Unfortunately",
                  "452 4.2.2 mailbox full"):
        work.append(("reply", reply))
    work.append(("scan", corpus_dir()))
    return work


def _run(c, item):
    kind, payload = item
    if kind == "file":
        return c.parse_file(payload).to_dict(evidence=True)
    if kind == "bytes":
        try:
            return c.parse(payload).to_dict(evidence=True)
        except bouncewhy.Error as e:
            return ("error", e.code_name, str(e))
    if kind == "reply":
        return c.explain(payload).to_dict(evidence=True)
    return [d.to_dict(evidence=True) for d in c.scan(payload)]


def test_shared_classifier_across_threads():
    c = bouncewhy.Classifier()
    work = _inputs()
    assert len(work) > 20
    single = [_run(c, w) for w in work]
    # every thread does all the work, in a different order, several times
    barrier = threading.Barrier(THREADS)

    def worker(seed):
        order = list(range(len(work)))
        order = order[seed:] + order[:seed]
        barrier.wait()
        out = {}
        for _ in range(3):
            for i in order:
                out.setdefault(i, []).append(_run(c, work[i]))
        return out

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(worker, range(THREADS)))
    for out in results:
        for i, runs in out.items():
            for got in runs:
                assert got == single[i], work[i][0]


def test_default_classifier_created_once():
    import bouncewhy as bw
    bw._default = None
    barrier = threading.Barrier(THREADS)
    seen = []

    def get():
        barrier.wait()
        seen.append(bw.default_classifier())

    threads = [threading.Thread(target=get) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == THREADS
    assert all(s is seen[0] for s in seen)


def test_threads_run_in_parallel_without_errors():
    # The GIL is released while parsing: many threads at once must neither
    # deadlock nor interfere with each other's error messages.
    c = bouncewhy.Classifier()
    errors = []

    def bad():
        for _ in range(200):
            try:
                c.parse(b"")
            except bouncewhy.ParseError as e:
                if e.code_name != "BW_EPARSE" or not str(e):
                    errors.append(e)

    def good():
        for _ in range(50):
            d = c.parse_file(corpus_files()[0])
            if not d.ok:
                errors.append(d)

    threads = [threading.Thread(target=bad if i % 2 else good) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
