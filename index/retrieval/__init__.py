"""Search over one generation: dense (FAISS), lexical (BM25), fusion, reranking."""
