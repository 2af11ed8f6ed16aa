"""The timestamps corpus (corpus.yaml) and its loader."""
