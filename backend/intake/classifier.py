"""The category classifier: TF-IDF of the description's words plus its e5 vector, into a
multinomial logistic regression (scikit-learn), as Amsterdam's Signalen does with TF-IDF alone.

The e5 vector carries meaning across the two languages (a city with history in Chinese only still
understands English), the words carry the city's own vocabulary. Before it joins the features the
vector loses its language's mean: e5 puts every Chinese text closer to every other Chinese text
than to its English translation, and centring per language removes most of that.

Inference needs numpy only; `fit` needs scikit-learn (the worker and the CLI).
"""
from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from backend.intake.text_features import WORD_PREFIX, language_of, tokens

LANGUAGES = ("zh", "en")
# Chosen on the evaluation set of bench/intake_data (docs/INTAKE.md): the vector weighs about as
# much as four TF-IDF vectors, and the regression is regularised lightly (few, clean examples).
EMBED_WEIGHT = 4.0
REGULARISATION_C = 20.0


@dataclass
class Classifier:
    classes: list[str]
    vocabulary: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray          # (classes, vocabulary + dimensions)
    intercept: np.ndarray
    language_means: dict[str, np.ndarray]
    priors: np.ndarray        # share of each class among the training examples
    embed_weight: float = EMBED_WEIGHT

    # --- features -------------------------------------------------------------------
    def tfidf(self, text: str) -> dict[int, float]:
        """The text's TF-IDF vector as {column: value}, as scikit-learn's sublinear, l2-normed one."""
        counts = Counter(t for t in tokens(text) if t in self.vocabulary)
        weights = {self.vocabulary[t]: (1 + math.log(c)) * float(self.idf[self.vocabulary[t]]) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in weights.values()))
        return {k: v / norm for k, v in weights.items()} if norm else {}

    def centred(self, vector: np.ndarray, language: str) -> np.ndarray:
        shifted = np.asarray(vector, dtype=np.float32) - self.language_means.get(language, 0)
        norm = float(np.linalg.norm(shifted))
        return shifted / norm if norm else shifted

    def coverage(self, text: str) -> tuple[int, float]:
        """(known whole words, share of all tokens known): how much of the text the model has seen."""
        all_tokens = tokens(text)
        if not all_tokens:
            return 0, 0.0
        known_words = sum(1 for t in all_tokens if t.startswith(WORD_PREFIX) and t in self.vocabulary)
        return known_words, sum(1 for t in all_tokens if t in self.vocabulary) / len(all_tokens)

    # --- answers --------------------------------------------------------------------
    def probabilities(self, text: str, vector: np.ndarray) -> np.ndarray:
        """P(class | text), in the order of `classes`."""
        sparse = self.tfidf(text)
        logits = self.intercept.copy()
        if sparse:
            columns = np.fromiter(sparse.keys(), dtype=np.int64)
            logits += self.coef[:, columns] @ np.fromiter(sparse.values(), dtype=np.float64)
        dense = self.centred(vector, language_of(text)) * self.embed_weight
        logits += self.coef[:, len(self.vocabulary):] @ dense
        logits -= logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    # --- storage --------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        terms = sorted(self.vocabulary, key=self.vocabulary.get)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, classes=np.array(self.classes), terms=np.array(terms, dtype=str), idf=self.idf,
                            coef=self.coef.astype(np.float32), intercept=self.intercept,
                            priors=self.priors, embed_weight=np.array([self.embed_weight]),
                            **{f"mean_{lang}": m for lang, m in self.language_means.items()})
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Classifier:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            terms = [str(t) for t in z["terms"]]
            return cls(classes=[str(c) for c in z["classes"]], vocabulary={t: i for i, t in enumerate(terms)},
                       idf=z["idf"].astype(np.float64), coef=z["coef"].astype(np.float64),
                       intercept=z["intercept"].astype(np.float64),
                       language_means={lang: z[f"mean_{lang}"] for lang in LANGUAGES if f"mean_{lang}" in z},
                       priors=z["priors"], embed_weight=float(z["embed_weight"][0]))


def language_means(texts: list[str], vectors: np.ndarray) -> dict[str, np.ndarray]:
    overall = vectors.mean(axis=0) if len(vectors) else np.zeros(vectors.shape[1], dtype=np.float32)
    means = {}
    for lang in LANGUAGES:
        rows = [i for i, t in enumerate(texts) if language_of(t) == lang]
        means[lang] = (vectors[rows].mean(axis=0) if rows else overall).astype(np.float32)
    return means


def fit(texts: list[str], labels: list[str], vectors: np.ndarray, weights: list[float] | None = None, *,
        c: float = REGULARISATION_C, embed_weight: float = EMBED_WEIGHT) -> Classifier:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
    sparse = vectorizer.fit_transform(texts)
    means = language_means(texts, vectors)
    draft = Classifier(classes=[], vocabulary={}, idf=np.zeros(0), coef=np.zeros((0, 0)), intercept=np.zeros(0),
                       language_means=means, priors=np.zeros(0), embed_weight=embed_weight)
    dense = np.stack([draft.centred(v, language_of(t)) for t, v in zip(texts, vectors)]) * embed_weight
    features = hstack([sparse, csr_matrix(dense)]).tocsr()
    regression = LogisticRegression(C=c, max_iter=3000)
    regression.fit(features, labels, sample_weight=weights)
    classes = [str(k) for k in regression.classes_]
    share = Counter(labels)
    coef, intercept = regression.coef_, regression.intercept_
    if len(classes) == 2:  # scikit-learn keeps one row for two classes
        coef, intercept = np.vstack([-coef[0] / 2, coef[0] / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
    return Classifier(classes=classes, vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
                      idf=vectorizer.idf_.astype(np.float64), coef=np.asarray(coef, dtype=np.float64),
                      intercept=np.asarray(intercept, dtype=np.float64), language_means=means,
                      priors=np.array([share[k] / len(labels) for k in classes]), embed_weight=embed_weight)


def top_k_accuracy(model: Classifier, texts: list[str], labels: list[str], vectors: np.ndarray) -> dict:
    """Share of texts whose category is the first suggestion, and among the first three."""
    top1 = top3 = 0
    for text, label, vector in zip(texts, labels, vectors):
        order = np.argsort(-model.probabilities(text, vector))
        ranked = [model.classes[i] for i in order[:3]]
        top1 += ranked[0] == label
        top3 += label in ranked
    n = len(texts)
    return {"n": n, "top1": round(top1 / n, 4) if n else None, "top3": round(top3 / n, 4) if n else None}
