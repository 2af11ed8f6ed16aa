"""Deduplication throughput: canonical URL + fingerprint + text hash + near-duplicate lookup per
item, next to canonicalisation alone (the baseline), over the same synthetic items in one run.

Synthetic items (invented words, generated on the fly so the generator holds no memory): URLs
carrying tracking parameters, AMP and mobile forms; bodies of ~60 words, of which 20% are lightly
edited copies of a recent story (syndication) and 5% exact copies under another URL of the site.
The near-duplicate index is bounded (CRAWLER_NEARDUP_MAX_ITEMS, default 20,000), so peak memory
does not grow with the item count.

    .venv/bin/python benchmarks/dedup.py [--items 1000000] [--max-items 20000]

The default is the issue's 1,000,000 items: about 4.5 minutes on 2 cores while another job ran
(29,406 items/s canonicalisation alone, 4,249 items/s for the full path, peak RSS 226 MB);
memory does not depend on the count. Pass a smaller --items for a quick look.

Last line: `bench dedup items=... canon_items_per_s=... dedup_items_per_s=... clusters_joined=...
peak_rss_mb=... ratio=<dedup items/s / canonicalisation items/s>`.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000,
                        help="1,000,000 takes about 6-8 minutes on 2 cores: over the 5-minute budget")
    parser.add_argument("--max-items", type=int, default=20_000, help="near-duplicate index bound")
    args = parser.parse_args()
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
    print(f"bench dedup items={args.items} canon_items_per_s={canon_rate:.0f} "
          f"dedup_items_per_s={dedup_rate:.0f} clusters_joined={joined} aliases={aliases} "
          f"index_max_items={args.max_items} peak_rss_mb={peak_rss_mb():.0f} "
          f"ratio={dedup_rate / canon_rate:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
