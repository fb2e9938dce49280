"""Embedders: the interface, the packaged models, conversion, CPU feature detection."""
