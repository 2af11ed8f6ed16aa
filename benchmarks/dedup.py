"""Deduplication throughput: canonical URL + fingerprint + text hash + near-duplicate lookup per
item, next to canonicalisation alone (the baseline), over the same synthetic items in one run.

Synthetic items (invented words, generated on the fly so the generator holds no memory): URLs
carrying tracking parameters, AMP and mobile forms; bodies of ~60 words, of which 20% are lightly
edited copies of a recent story (syndication) and 5% exact copies under another URL of the site.
The near-duplicate index is bounded (CRAWLER_NEARDUP_MAX_ITEMS, default 20,000), so peak memory
does not grow with the item count.

    .venv/bin/python benchmarks/dedup.py [--items 1000000] [--max-items 20000]

The default is the issue's 1,000,000 items: about 4.5 minutes on 2 cores. With --items 200000
(about 1.5 minutes): 32,384 items/s canonicalisation alone, 3,904 items/s for the full path, peak
RSS 137 MB (226 MB with the datasketch LSH index this replaced). Later, with --items 100000 at
load ~7, the band-major candidate pass and the boilerplate word check raised the ratio below
from 0.067 (961 items/s) to 0.178 (1,494 items/s), with the same clusters joined and aliases.
Once the index is full, memory does not depend on the count. Pass a smaller --items for a
quick look.

Last line: `bench dedup items=... canon_items_per_s=... dedup_items_per_s=... clusters_joined=...
peak_rss_mb=... ratio=<dedup items/s / canonicalisation items/s>`.

`--labelled` prints near-duplicate precision and recall on the labelled pairs of
tests/fixtures/neardup/pairs.json at thresholds 0.4, 0.5 and 0.6 (all pairs, and the "dev" part
the threshold rules were tuned on), next to the signature estimate alone (no exact check, the
baseline). Last line: `bench dedup_quality pairs=... precision_0.5=... recall_0.5=... ...
ratio=<F1 / baseline F1 at the default>`. The default run prints the same table first.

`--same-topic` measures one lookup's cost against an index full of stories on one topic: the
bodies of the generated benchmark site (crawler.demo_site.generated: invented stories from one
template vocabulary, so each is an LSH candidate of most others and passes against dozens). The
index is filled with --items of them (default there 5,000), copied, and 300 more are added to
each copy: the bounded index as the crawler uses it, and the same index checking every candidate
exactly (max_checks=None, risk=0: the answers add gave before its exact checks were bounded).
It prints CPU ms and exact checks per add for both, and how many of the 300 got the same cluster
and match. Last line: `bench dedup_same_topic stories=... adds=... candidates_per_add=...
all_checked_ms_per_add=... ms_per_add=... all_checked_checks_per_add=... checks_per_add=...
same_answers=... ratio=<all-checked ms / bounded ms>`. The default run prints the same figures
before its last line. Measured at 5,000 stories (4,923 candidates per add, load ~7): 0.82 ms
and 64 exact checks per add, against 3.3 ms and 541 checking every candidate (ratio 4.0; the
index before its checks were bounded, with its slower exact check, took 5.4-6.9 ms); 295 of 300
answers the same (on this site a story passes against dozens of stories of other clusters at
J 0.5-0.6, and the best of them sometimes ranks beyond the 64 closest by signature).

`--per-story` measures what the dedup pipeline spends per lead story (content words, text hash,
shingles, MinHash signature, near-duplicate lookup) on --items (default there 5,000) stories of
the crawl benchmark's site (crawler.demo_site.generated, every fifth a syndicated copy of an
earlier one), the current code next to the reference: the same code before its per-story CPU was
cut, frozen in crawler/dedup/reference. Each side runs twice, alternately, and the best run
counts; every result (text hash, signature, cluster, match, similarity) is compared. Last line:
`bench dedup_story stories=... reference_ms_per_story=... ms_per_story=... same_results=...
ratio=<reference ms / current ms>`. The default run prints the same figures for 2,000 stories
(one run each). Measured at 5,000 stories [load ~8]: 0.89 ms for the reference, 0.45 ms now
(ratio 1.96 in two runs), all 5,000 results the same; in the same state --same-topic's bounded
lookup took 0.39 ms per add (0.68-0.74 before), and the default run's stream (100,000 items)
joined the same 19,877 clusters and found the same 5,022 aliases as before.

`--index` instead compares the near-duplicate index alone with the library it replaced:
datasketch's MinHashLSH (same banding, derived from the threshold; same verification), fed the same signatures of
--items items (default there 30,000, so the 20,000-story bound is reached), in one run. It prints
both lookups per second, the memory each index holds (tracemalloc) and whether both assigned the
same cluster to every story. Last line: `bench dedup_index items=... datasketch_adds_per_s=...
adds_per_s=... datasketch_mb=... mb=... same_clusters=... ratio=<adds/s / datasketch adds/s>`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections import deque
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.dedup import NearDupIndex, content_tokens, minhash_signature, text_hash  # noqa: E402
from crawler.urls import canonical_url, key_of, site_of  # noqa: E402

SYLLABLES = ["ka", "ri", "mo", "tel", "van", "os", "dri", "lu", "ben", "sa", "for", "mit", "el",
             "ga", "ron", "phi", "ta", "nek", "so", "ul", "tra", "pe", "quin", "dor"]
SITES = [f"news{n}.example" for n in range(40)]


def vocabulary(size: int, rng: np.random.Generator) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 4)))))
    return sorted(words)


def items(count: int, seed: int = 6):
    """(url, headline, body) tuples; the same seed gives the same stream."""
    rng = np.random.default_rng(seed)
    words = vocabulary(5000, rng)
    recent: deque[tuple[str, str, str]] = deque(maxlen=2000)
    forms = ["", "?utm_source=feed&utm_medium=rss", "/amp/", "?outputType=amp", "#comments",
             "?fbclid=abc123"]
    for n in range(count):
        roll = rng.random()
        site = SITES[n % len(SITES)]
        if recent and roll < 0.20:  # a syndicated, lightly edited copy on another site
            _, head, body = recent[int(rng.integers(len(recent)))]
            tokens = body.split()
            for _ in range(3):
                tokens[int(rng.integers(len(tokens)))] = words[int(rng.integers(len(words)))]
            body = " ".join(tokens)
        elif recent and roll < 0.25:  # the same text under another URL of the same site
            url, head, body = recent[int(rng.integers(len(recent)))]
            site = site_of(url)
        else:
            idx = rng.integers(len(words), size=60)
            body = ". ".join(" ".join(words[i] for i in idx[k:k + 12]) for k in range(0, 60, 12)) + "."
            head = " ".join(words[i] for i in idx[:6])
        host = ("m." if rng.random() < 0.1 else "") + site
        url = f"https://{host}/story/{n}{forms[n % len(forms)]}"
        recent.append((url, head, body))
        yield url, head, body


def run_canonical(count: int) -> float:
    start = time.perf_counter()
    for url, _, _ in items(count):
        canonical_url(url)
    return time.perf_counter() - start


def run_dedup(count: int, max_items: int) -> tuple[float, int, int]:
    index = NearDupIndex(max_items=max_items)
    texts: dict[tuple[str, str], str] = {}
    joined = aliases = 0
    start = time.perf_counter()
    for url, head, body in items(count):
        canon = canonical_url(url)
        fp = key_of(canon)  # = fingerprint(url), without canonicalising twice
        tokens = content_tokens(body)
        digest = text_hash(head, body, tokens)
        if digest is not None:
            key = (site_of(canon), digest)
            if key in texts and texts[key] != fp:
                aliases += 1
                continue
            texts.setdefault(key, fp)
            if len(texts) > max_items:
                texts.pop(next(iter(texts)))
        signature = minhash_signature(body, tokens)
        if signature is not None and index.add(fp, signature).matched is not None:
            joined += 1
    return time.perf_counter() - start, joined, aliases


class DatasketchIndex:
    """The baseline for --index: datasketch's MinHashLSH with the project's verification and
    tie-break rules (what crawler.dedup.neardup used before it kept its own band matrix)."""

    def __init__(self, max_items: int):
        from datasketch import MinHashLSH

        from crawler.dedup.neardup import THRESHOLD, band_layout

        self.threshold, self.max_items = THRESHOLD, max_items
        self.lsh = MinHashLSH(num_perm=64, params=band_layout(THRESHOLD))
        self.items: dict[str, tuple[np.ndarray, str]] = {}

    def add(self, key: str, signature: np.ndarray) -> tuple[str, float]:
        from datasketch import MinHash

        from crawler.dedup.text import _permutations, jaccard

        minhash = MinHash(num_perm=64, hashvalues=signature.astype(np.uint64),
                          permutations=_permutations(), scheme="affine32")
        best = None
        for other in self.lsh.query(minhash):
            other_sig, cluster = self.items[other]
            score = jaccard(signature, other_sig)
            if score >= self.threshold and (best is None or (-score, cluster) < (-best[0], best[1])):
                best = (score, cluster)
        self.lsh.insert(key, minhash, check_duplication=False)
        self.items[key] = (signature, best[1] if best else key)
        while len(self.items) > self.max_items:
            old = next(iter(self.items))
            del self.items[old]
            self.lsh.remove(old)
        return (best[1], best[0]) if best else (key, 0.0)


def compare_index(count: int, max_items: int) -> int:
    """--index: ours against datasketch's MinHashLSH on the same signatures."""
    signatures = []
    for n, (_url, _head, body) in enumerate(items(count)):
        signature = minhash_signature(body)
        if signature is not None:
            signatures.append((f"story-{n}", signature))
    results, rates, sizes = {}, {}, {}
    for name, index in (("datasketch", DatasketchIndex(max_items)),
                        ("ours", NearDupIndex(max_items=max_items))):
        tracemalloc.start()
        start = time.perf_counter()
        if name == "ours":
            out = [(m.cluster_id, m.similarity) for m in (index.add(k, s) for k, s in signatures)]
        else:
            out = [index.add(k, s) for k, s in signatures]
        rates[name] = len(signatures) / (time.perf_counter() - start)
        sizes[name] = tracemalloc.get_traced_memory()[0] / 1e6
        tracemalloc.stop()
        results[name] = out
        print(f"{name:>10}: {len(signatures)} lookups+inserts at {rates[name]:,.0f}/s, index holds "
              f"{sizes[name]:.1f} MB (tracemalloc), bound {max_items} stories")
    same = results["ours"] == results["datasketch"]
    print(f"same cluster and similarity for every story: {same}")
    print(f"bench dedup_index items={len(signatures)} datasketch_adds_per_s={rates['datasketch']:.0f} "
          f"adds_per_s={rates['ours']:.0f} datasketch_mb={sizes['datasketch']:.1f} "
          f"mb={sizes['ours']:.1f} same_clusters={str(same).lower()} "
          f"ratio={rates['ours'] / rates['datasketch']:.2f}")
    return 0 if same else 1


def same_topic_bodies(count: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(key, signature, shingle hashes) of the generated site's story bodies."""
    from crawler.dedup.text import shingle_hashes
    from crawler.demo_site.generated import build_stories

    out = []
    for story in build_stories(count):
        tokens = content_tokens("\n\n".join(story.paragraphs))
        shingles = shingle_hashes(tokens)
        out.append((story.slug, minhash_signature(None, tokens, shingles), shingles.astype(np.uint32)))
    return out


def same_topic_cost(count: int, adds: int = 300) -> str:
    """--same-topic: CPU and exact checks per add against `count` same-topic stories, bounded
    index vs the same index checking every candidate."""
    import copy

    bodies = same_topic_bodies(count + adds)
    filled = NearDupIndex(max_items=max(count + adds, 20_000))
    for key, signature, shingles in bodies[:count]:
        filled.add(key, signature, shingles)
    candidates = sum(len(filled.candidates(sig)) for _, sig, _ in bodies[count:]) / adds
    answers, cost, checks = {}, {}, {}
    for name in ("all_checked", "bounded"):
        index = copy.deepcopy(filled)
        if name == "all_checked":
            index.max_checks, index.risk = None, 0.0
        index.exact_checks = 0
        start = time.process_time()
        answers[name] = [(m.cluster_id, m.matched) for m in
                         (index.add(k, sig, sh) for k, sig, sh in bodies[count:])]
        cost[name] = 1000 * (time.process_time() - start) / adds
        checks[name] = index.exact_checks / adds
        print(f"{name:>12}: {cost[name]:.3f} ms CPU and {checks[name]:.1f} exact checks per add "
              f"({adds} adds to an index of {count} same-topic stories, {candidates:.0f} candidates "
              f"per add)")
    same = sum(a == b for a, b in zip(answers["all_checked"], answers["bounded"], strict=True))
    print(f"same cluster and match as checking every candidate: {same} of {adds}")
    return (f"stories={count} adds={adds} candidates_per_add={candidates:.0f} "
            f"all_checked_ms_per_add={cost['all_checked']:.3f} ms_per_add={cost['bounded']:.3f} "
            f"all_checked_checks_per_add={checks['all_checked']:.1f} "
            f"checks_per_add={checks['bounded']:.1f} same_answers={same} "
            f"ratio={cost['all_checked'] / cost['bounded']:.2f}")


def story_workload(count: int) -> list[tuple[str, str, str]]:
    """(key, headline, body) of `count` lead stories as the crawl benchmark's site serves them
    (crawler.demo_site.generated: one template vocabulary, so most stories are LSH candidates of
    most others), every fifth of them a copy of an earlier one under another key with a dateline
    added and the last paragraph dropped (a syndicated copy, which joins that story's cluster)."""
    from crawler.demo_site.generated import build_stories

    stories = build_stories(count)
    out = []
    for n, story in enumerate(stories):
        paragraphs = story.paragraphs
        if n % 5 == 4:
            paragraphs = ["Updated at noon."] + stories[n // 2].paragraphs[:-1]
        out.append((story.slug, story.headline, "\n\n".join(paragraphs)))
    return out


def story_work(text_module, index, stories: list[tuple[str, str, str]]) -> list[tuple]:
    """What DedupPipeline does for each lead story: tokens, exact-alias hash, shingles, signature,
    near-duplicate lookup, the signature as the stored list. Returns every result, to compare."""
    out = []
    for key, headline, body in stories:
        tokens = text_module.content_tokens(body)
        digest = text_module.text_hash(headline, body, tokens)
        if len(tokens) < text_module.MIN_CONTENT_WORDS:
            out.append((digest, None, None))
            continue
        shingles = text_module.shingle_hashes(tokens)
        signature = text_module.minhash_signature(body, tokens, shingles)
        match = index.add(key, signature, shingles.astype(np.uint32))
        out.append((digest, signature.tolist(), (match.cluster_id, match.matched, match.similarity)))
    return out


def per_story_cost(count: int, rounds: int = 2) -> str:
    """--per-story: CPU per lead story of the dedup pipeline's work, the current code next to the
    reference (the code before its per-story CPU was cut, frozen in
    crawler/dedup/reference), on the same stories; the best of `rounds` runs of each, taken
    alternately so a change in load hits both. Also whether every result is the same."""
    from crawler.dedup import neardup, text
    from crawler.dedup.reference import neardup as ref_neardup
    from crawler.dedup.reference import text as ref_text

    stories = story_workload(count)
    sides = {"reference": (ref_text, ref_neardup.NearDupIndex), "current": (text, neardup.NearDupIndex)}
    cost = {name: float("inf") for name in sides}
    results = {}
    for _ in range(rounds):
        for name, (module, index_type) in sides.items():
            index = index_type()
            start = time.process_time()
            results[name] = story_work(module, index, stories)
            cost[name] = min(cost[name], 1000 * (time.process_time() - start) / count)
    same = sum(a == b for a, b in zip(results["reference"], results["current"], strict=True))
    joined = sum(r[2] is not None and r[2][1] is not None for r in results["current"])
    for name in sides:
        print(f"{name:>10}: {cost[name]:.3f} ms CPU per lead story ({count} stories of the crawl "
              f"benchmark's site, {joined} joined a cluster; best of {rounds})")
    print(f"same text hash, signature, cluster, match and similarity: {same} of {count}")
    return (f"stories={count} reference_ms_per_story={cost['reference']:.3f} "
            f"ms_per_story={cost['current']:.3f} same_results={same} "
            f"ratio={cost['reference'] / cost['current']:.2f}")


def labelled_quality(path: Path, thresholds=(0.4, 0.5, 0.6)) -> tuple[dict, list[str]]:
    """Precision and recall per threshold on the labelled pairs, exact check vs estimate only."""
    import json

    from crawler.dedup.text import shingle_hashes

    pairs = json.loads(path.read_text())["pairs"]
    prepared = []
    for pair in pairs:
        sides = []
        for text in (pair["a"], pair["b"]):
            tokens = content_tokens(text)
            sig = minhash_signature(text, tokens)
            sides.append(None if sig is None else (sig, shingle_hashes(tokens).astype(np.uint32)))
        prepared.append((pair, sides))
    results, lines = {}, []
    for mode in ("exact", "estimate"):
        for threshold in thresholds:
            for part in ("all", "dev"):
                tp = fp = fn = 0
                for pair, (a, b) in prepared:
                    if part != "all" and pair.get("split") != part:
                        continue
                    same = False
                    if a is not None and b is not None:
                        index = NearDupIndex(threshold=threshold)
                        index.add("a", a[0], a[1] if mode == "exact" else None)
                        same = index.add("b", b[0], b[1] if mode == "exact" else None).matched == "a"
                    tp += same and pair["label"] == 1
                    fp += same and pair["label"] == 0
                    fn += (not same) and pair["label"] == 1
                precision = tp / (tp + fp) if tp + fp else 1.0
                recall = tp / (tp + fn) if tp + fn else 1.0
                results[(mode, threshold, part)] = (precision, recall)
                lines.append(f"{mode:>8} threshold={threshold} {part:>4}: precision={precision:.3f} "
                             f"recall={recall:.3f} (tp={tp} fp={fp} fn={fn})")
    return results, lines


def print_quality() -> str:
    from crawler.dedup.neardup import THRESHOLD

    path = Path(__file__).resolve().parent.parent / "tests/fixtures/neardup/pairs.json"
    results, lines = labelled_quality(path)
    print(f"near-duplicates on {path.name} (exact check of candidates vs signature estimate alone):")
    for line in lines:
        print("  " + line)

    def f1(p, r):
        return 2 * p * r / (p + r) if p + r else 0.0

    ours = f1(*results[("exact", THRESHOLD, "all")])
    base = f1(*results[("estimate", THRESHOLD, "all")])
    cells = " ".join(f"precision_{t}={results[('exact', t, 'all')][0]:.3f} "
                     f"recall_{t}={results[('exact', t, 'all')][1]:.3f}" for t in (0.4, 0.5, 0.6))
    return f"pairs={len(json_pairs(path))} default={THRESHOLD} {cells} ratio={ours / base if base else 0:.3f}"


def json_pairs(path: Path) -> list:
    import json

    return json.loads(path.read_text())["pairs"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=None,
                        help="default 1,000,000 (about 4.5 minutes on 2 cores); with --index "
                             "30,000; with --same-topic 5,000")
    parser.add_argument("--max-items", type=int, default=20_000, help="near-duplicate index bound")
    parser.add_argument("--labelled", action="store_true",
                        help="only precision/recall on the labelled near-duplicate pairs")
    parser.add_argument("--index", action="store_true",
                        help="compare the near-duplicate index with datasketch's MinHashLSH")
    parser.add_argument("--same-topic", action="store_true",
                        help="only the cost of a lookup against an index of same-topic stories")
    parser.add_argument("--per-story", action="store_true",
                        help="only CPU per lead story, current code vs the reference before it")
    args = parser.parse_args()
    if args.index:
        return compare_index(args.items or 30_000, args.max_items)
    if args.same_topic:
        print(f"bench dedup_same_topic {same_topic_cost(args.items or 5_000)}")
        return 0
    if args.per_story:
        print(f"bench dedup_story {per_story_cost(args.items or 5_000)}")
        return 0
    quality = print_quality()
    if args.labelled:
        print(f"bench dedup_quality {quality}")
        return 0
    args.items = args.items or 1_000_000
    canon_s = run_canonical(args.items)
    canon_rate = args.items / canon_s
    print(f"canonicalisation alone: {args.items} items in {canon_s:.1f}s = {canon_rate:,.0f} items/s")
    rss_before = peak_rss_mb()
    dedup_s, joined, aliases = run_dedup(args.items, args.max_items)
    dedup_rate = args.items / dedup_s
    print(f"canonicalisation + fingerprint + text hash + near-duplicate lookup: {args.items} items "
          f"in {dedup_s:.1f}s = {dedup_rate:,.0f} items/s; {joined} joined a cluster, "
          f"{aliases} exact aliases; peak RSS {peak_rss_mb():.0f} MB (after canonicalisation: "
          f"{rss_before:.0f} MB)")
    peak = peak_rss_mb()
    same_topic_cost(5_000)  # after the peak RSS is read: its own indexes are not the stream's
    per_story_cost(2_000, rounds=1)
    print(f"bench dedup items={args.items} canon_items_per_s={canon_rate:.0f} "
          f"dedup_items_per_s={dedup_rate:.0f} clusters_joined={joined} aliases={aliases} "
          f"index_max_items={args.max_items} peak_rss_mb={peak:.0f} "
          f"ratio={dedup_rate / canon_rate:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
