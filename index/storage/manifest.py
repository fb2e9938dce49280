"""manifest.json: what built the index and what is in it; `check()` refuses an index it cannot serve correctly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from index.models.backends import vector_family
from ingest.settings import ChunkingSettings

FORMAT_VERSION = 2  # 2: the chunk table's columns (`table/`) beside chunks.jsonl
READABLE_VERSIONS = (1, 2)  # version 1 has no `table/`: its columns are computed from chunks.jsonl at open
REBUILD_HINT = "rebuild with `policyqa ingest --rebuild PATHS`"


class IndexMismatchError(Exception):
    """The index on disk was built differently from what this process would use; the message says how to fix it."""


class EmbedderInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    dim: int
    spec: str | None = Field(
        None, description="The setting that loads this embedder ('minilm', 'e5-small', a directory)"
    )
    backend: str | None = Field(
        None,
        description="The engine that computed the vectors: torch-fp32, torch-bf16, onnx-fp32 or onnx-int8 (None: "
        "an index built before backends were recorded, by torch)",
    )
    backend_sha256: str | None = Field(None, description="sha256 of the ONNX model file, for the ONNX backends")


class DocRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_hash: str
    source: str
    title: str
    doc_type: str
    date: str | None = None
    language: str
    chunks: int
    indexed_at: str
    file: str | None = Field(None, description="Absolute path of the file it was ingested from (for --prune)")
    fingerprint: str | None = Field(None, description="sha256 of the file and its sidecar when ingested")
    chunker: str | None = Field(
        None,
        description="Version of the loader and chunker that read and cut it (`ingest.pipeline_version()`, or a "
        "custom chunker's `version`); a document recorded under another version is reloaded and re-chunked on the "
        "next ingest",
    )
    aliases: list[str] = Field(default_factory=list, description="Other names of the document (`aliases`)")
    text_key: str | None = Field(
        None, description="Hash of its normalised text (`ingest.dedup.content_key`): equal means a duplicate"
    )


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format_version: int = FORMAT_VERSION
    embedder: EmbedderInfo
    chunking: dict[str, Any]
    tokenizer: str
    ann: str = "flat"
    next_id: int = 0
    counts: dict[str, int] = Field(default_factory=lambda: {"documents": 0, "chunks": 0})
    documents: dict[str, DocRecord] = Field(default_factory=dict)
    updated_at: str | None = None

    def write(self, path: Path) -> None:
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        raw = json.loads(path.read_text(encoding="utf-8"))
        version = raw.get("format_version")
        if version not in READABLE_VERSIONS:
            raise IndexMismatchError(
                f"{path}: index format version {version!r}, this policyqa reads version {FORMAT_VERSION}; "
                f"{REBUILD_HINT}"
            )
        return cls.model_validate(raw)


def check_embedder(
    manifest: Manifest,
    *,
    name: str,
    dim: int | None,
    where: Path,
    backend: str | None = None,
    backend_sha256: str | None = None,
) -> None:
    """Refuse an embedder whose vectors cannot share the index: another model, dimension or vector family
    (int8 vs float; `backend` None: not known yet, checked when the embedder loads), or, for int8, another ONNX file
    (`backend_sha256`: int8 vectors of two exports differ as much as int8 and float do)."""
    built = manifest.embedder
    if name != built.name and name != built.spec:
        raise IndexMismatchError(
            f"{where}: the index was built with embedder {built.name!r} ({built.dim}-d) but this process uses "
            f"{name!r}; {REBUILD_HINT} or set POLICYQA_INDEX__EMBEDDER={built.spec or built.name}"
        )
    if dim is not None and dim != built.dim:
        raise IndexMismatchError(
            f"{where}: the index holds {built.dim}-d vectors from {built.name!r} but embedder {name!r} gives "
            f"{dim}-d vectors; {REBUILD_HINT} or set POLICYQA_INDEX__EMBEDDER={built.spec or built.name}"
        )
    if backend is not None and vector_family(backend) != vector_family(built.backend):
        wanted = "onnx-int8" if vector_family(built.backend) == "int8" else "torch (or onnx-fp32)"
        raise IndexMismatchError(
            f"{where}: the index holds vectors computed by backend {built.backend or 'torch-fp32'!r} but this process "
            f"embeds with {backend!r}, whose vectors differ; {REBUILD_HINT} to re-embed everything with {backend!r}, "
            f"or set POLICYQA_INDEX__BACKEND={wanted.split()[0]} (or auto) to keep the index's {wanted} vectors"
        )
    if (
        backend is not None
        and vector_family(backend) == "int8"
        and vector_family(built.backend) == "int8"
        and backend_sha256
        and built.backend_sha256
        and backend_sha256 != built.backend_sha256
    ):
        raise IndexMismatchError(
            f"{where}: the index holds int8 vectors from ONNX file sha256 {built.backend_sha256[:12]}… but this "
            f"process embeds with {backend_sha256[:12]}… (the int8 export changed: another model file or export "
            f"version); {REBUILD_HINT} to re-embed everything, or set POLICYQA_INDEX__BACKEND=torch with "
            "`--rebuild` to leave int8"
        )


def check_chunking(manifest: Manifest, chunking: ChunkingSettings, *, where: Path) -> None:
    wanted = chunking.model_dump(mode="json")
    diffs = [
        f"{key}: index {manifest.chunking.get(key)!r} vs requested {wanted.get(key)!r}"
        for key in sorted(set(wanted) | set(manifest.chunking))
        if manifest.chunking.get(key) != wanted.get(key)
    ]
    if diffs:
        env = " ".join(f"POLICYQA_CHUNKING__{k.upper()}={manifest.chunking.get(k)}" for k in sorted(manifest.chunking))
        raise IndexMismatchError(
            f"{where}: chunker parameters differ ({'; '.join(diffs)}); {REBUILD_HINT} or keep the index's "
            f"parameters ({env})"
        )
