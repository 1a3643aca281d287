"""Algorithms for InnoBridge that never import Django: data in, data out."""
