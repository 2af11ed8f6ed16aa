"""The near-duplicate code as it was before its per-story CPU was cut (crawler.dedup.text and
crawler.dedup.neardup, frozen): the reference the faster code must agree with exactly (same
tokens, hashes, signatures, clusters and similarities). Not used by the crawler: it is here, in
the package, because both tests/unit/test_dedup_reference.py (which checks the agreement on
thousands of generated stories) and `benchmarks/dedup.py --per-story` (which measures both side
by side) need it, and neither imports the other's folder. Its signatures need datasketch, which
only the test extra installs."""
