"""The answer engine's heuristics: question types, asked slots, paraphrase, named sources, anchors."""
