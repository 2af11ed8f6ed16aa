"""One story per document: exact text aliases within a site, near-duplicate clusters across sites.

text.py normalises text and hashes it (exact aliases) and computes MinHash signatures (the
values of datasketch's MinHash, computed in numpy);
neardup.py keeps a bounded LSH index of them in numpy arrays that assigns cluster ids to syndicated
copies; merge.py builds the extra MongoDB update operations of the merge rules (docs/schema.md,
"Merge rules").
"""

from crawler.dedup.neardup import NearDupIndex, NearDupMatch
from crawler.dedup.text import content_tokens, minhash_signature, text_hash

__all__ = ["NearDupIndex", "NearDupMatch", "content_tokens", "minhash_signature", "text_hash"]
