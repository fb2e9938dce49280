"""The answer engine: a question (and chat history) in, a checked, cited `Answer` out.

`pipeline` runs the steps; `extractive` and `llm` draft answers; `support` checks citations; `abstain` decides when
the documents do not answer; `rules/` holds the question heuristics and `data/` their vocabulary."""

from app.answer.pipeline import answer, answer_stream

__all__ = ["answer", "answer_stream"]
