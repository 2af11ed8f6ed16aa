"""The near-duplicate code as it was before its per-story CPU was cut (crawler.dedup.text and
crawler.dedup.neardup, frozen): the reference the faster code must agree with exactly (same
tokens, hashes, signatures, clusters and similarities), checked by
tests/unit/test_dedup_reference.py on thousands of generated stories and measured next to the
current code by `benchmarks/dedup.py --per-story`. Not used by the crawler."""
