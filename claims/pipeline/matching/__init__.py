"""Claim matching: is this claim one already stored, or one already fact-checked?

Pure Python (no Django): normalisation and guards (`normalise`), lexical similarity and a
BM25 inverted index (`lexical`), nearest neighbours over embeddings (`dense`), and the hybrid
matcher that ties them together (`matcher`).
"""
