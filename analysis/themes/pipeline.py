"""The theme pipeline: one orchestrator over injected, swappable steps.

Steps (each scikit-learn shaped, see ``analysis.themes.base``):

``preparer``      raw text -> scrubbed text and stems            (``TextPreparer``)
``seed_matcher``  zero-shot scores from taxonomy seed phrases     (``SeedMatcher``)
``classifier``    supervised model trained from HR codings        (``SupervisedThemeModel``)
``emerging``      clusters of comments no theme explains          (``EmergingThemeFinder``)
``sentiment``     compound sentiment per comment                  (``VaderSentiment``)

Without codings the seeds decide. With codings, every theme that has enough coded examples is
decided by the supervised model (which also sees the seed scores as features); the rest stay
with the seeds. HR's own codings outrank both for the comments they cover.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from analysis.sentiment import VaderSentiment
from analysis.taxonomy import Taxonomy, load_taxonomy
from analysis.text import NEGATION_PREFIX, PreparedText, TextPreparer
from analysis.themes.base import ThemeScores
from analysis.themes.emerging import EmergingThemeFinder, EmergingThemes, carry_over_ids
from analysis.themes.praise import without_praise
from analysis.themes.seeds import SeedMatcher, learn_vetoes
from analysis.themes.supervised import SupervisedThemeModel

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "CodesError",
    "ThemePipeline",
    "ThemeRun",
    "codes_from_assignments",
    "read_codes",
]

#: Columns of the long assignments frame (``theme_assignments`` in docs/analysis-frames.md,
#: plus ``terms``: the words or seed phrases that drove the assignment).
ASSIGNMENT_COLUMNS = ["comment_id", "theme_id", "score", "source", "terms", "model_version"]
PIPELINE_FORMAT = 1
#: The rules the lexicon applies besides its phrases, named in every model version so that
#: assignments made under different rules can be told apart: 1, the denial rule ("No cons");
#: 2, also the praise rule of the reasons question (``analysis/themes/praise.py``).
LEXICON_RULES = 2


class CodesError(ValueError):
    """Human codings that cannot be used; ``problems`` names each row and reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid codes:\n  " + "\n  ".join(problems[:20]))


def read_codes(
    codes: pd.DataFrame | Mapping[str, Sequence[str] | str],
    taxonomy: Taxonomy,
    *,
    id_column: str = "id",
    themes_column: str = "theme_ids",
) -> dict[str, list[str]]:
    """Human codings as comment id -> theme ids (an empty list means "no theme applies").

    Accepts a mapping, or a frame with an id column (``id`` or ``comment_id``) and a
    ``theme_ids`` column of ``;``-separated ids. Unknown theme ids raise ``CodesError``
    naming the row (counting the header as row 1, as a spreadsheet does).
    """
    if isinstance(codes, pd.DataFrame):
        if id_column not in codes.columns and "comment_id" in codes.columns:
            id_column = "comment_id"
        missing = [c for c in (id_column, themes_column) if c not in codes.columns]
        if missing:
            raise CodesError([f"codes need column(s) {', '.join(missing)}; found {', '.join(map(str, codes.columns))}"])
        items = [(codes[id_column].iat[i], codes[themes_column].iat[i], i + 2) for i in range(len(codes))]
    else:
        items = [(k, v, None) for k, v in codes.items()]
    known = set(taxonomy.ids)
    out: dict[str, list[str]] = {}
    problems = []
    for comment_id, value, row in items:
        where = f"row {row}" if row else f"comment {comment_id}"
        if isinstance(value, str) or value is None or (isinstance(value, float) and np.isnan(value)):
            ids = [t.strip() for t in str(value or "").split(";") if t.strip() and str(value) != "nan"]
        else:
            ids = [str(t).strip() for t in value]
        unknown = [t for t in ids if t not in known]
        if unknown:
            problems.append(f"{where}, column {themes_column}: unknown theme id(s) {', '.join(unknown)}")
            continue
        out[str(comment_id)] = list(dict.fromkeys(ids))
    if problems:
        raise CodesError(problems)
    return out


def codes_from_assignments(assignments: pd.DataFrame) -> dict[str, list[str]]:
    """HR codings from a ``theme_assignments`` frame.

    A comment counts as coded once HR confirmed, added or rejected any theme on it; its themes
    are those with source ``hr``. Emerging theme ids are left out (they are not taxonomy themes).
    """
    reviewed = assignments[assignments["source"].isin(["hr", "rejected"])]
    out: dict[str, list[str]] = {str(c): [] for c in reviewed["comment_id"].unique()}
    for comment_id, theme_id in reviewed.loc[reviewed["source"] == "hr", ["comment_id", "theme_id"]].itertuples(
        index=False
    ):
        if not str(theme_id).startswith("emerging:") and theme_id not in out[str(comment_id)]:
            out[str(comment_id)].append(str(theme_id))
    return out


@dataclass
class ThemeRun:
    """Everything one run produces.

    ``assignments``: long frame (``ASSIGNMENT_COLUMNS``), one row per comment and theme,
    taxonomy themes in score order then the emerging theme. ``comments``: one row per input
    comment with ``comment_id``, ``text`` (scrubbed), ``theme_ids`` and ``scores`` (lists in
    score order), ``sources``, ``emerging_theme`` (id or ``None``) and ``sentiment``.
    ``emerging``: the emerging themes. ``timings``: seconds per stage.
    """

    assignments: pd.DataFrame
    comments: pd.DataFrame
    emerging: EmergingThemes
    model_version: str
    timings: dict[str, float] = field(default_factory=dict)


class ThemePipeline:
    """Assign taxonomy themes, emerging themes and sentiment to comments.

    Typical use from the app::

        pipeline = ThemePipeline(load_taxonomy(), seed=0)
        run = pipeline.run(comments["text"], ids=comments["comment_id"],
                           codes=codes_from_assignments(theme_assignments),
                           previous_emerging=last_run_emerging)
        run.assignments      # -> store as theme_assignments
        pipeline.save(path)  # later: ThemePipeline.load(path).assign(new_texts, ids=...)

    ``n_jobs`` worker processes prepare text and score sentiment when a call has more than
    ``parallel_threshold`` comments. ``progress``: show progress bars (default: only when
    stderr is a terminal).
    """

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        *,
        preparer: TextPreparer | None = None,
        seed_matcher: SeedMatcher | None = None,
        classifier: SupervisedThemeModel | None = None,
        emerging: EmergingThemeFinder | None = None,
        sentiment: VaderSentiment | None = None,
        seed: int = 0,
        min_positives: int = 5,
        n_jobs: int = 1,
        parallel_threshold: int = 20_000,
        progress: bool | None = None,
    ) -> None:
        self.taxonomy = taxonomy or load_taxonomy()
        self.preparer = preparer or TextPreparer()
        self.seed_matcher = seed_matcher or SeedMatcher(self.taxonomy, self.preparer)
        self.classifier = classifier or SupervisedThemeModel(seed=seed, min_positives=min_positives)
        self.emerging = emerging or EmergingThemeFinder(seed=seed)
        self.sentiment_step = sentiment or VaderSentiment()
        self.seed = seed
        self.min_positives = min_positives
        self.n_jobs = n_jobs
        self.parallel_threshold = parallel_threshold
        self.progress = progress
        self.supervised_ = False
        self.surface_: dict[str, str] = {}
        self.model_version_ = self._version(None)
        self.emerging_themes_ = EmergingThemes.empty()

    # -- public API -----------------------------------------------------------------------
    def fit(
        self,
        texts: Iterable[object],
        ids: Iterable[object] | None = None,
        codes: pd.DataFrame | Mapping[str, Sequence[str]] | None = None,
        previous_emerging: EmergingThemes | None = None,
    ) -> ThemePipeline:
        """Learn from ``texts``: the supervised model from ``codes`` (if any) and the emerging
        themes from the comments no taxonomy theme explains. Returns ``self``."""
        self.run(texts, ids, codes=codes, previous_emerging=previous_emerging, sentiment=False)
        return self

    def run(
        self,
        texts: Iterable[object],
        ids: Iterable[object] | None = None,
        *,
        codes: pd.DataFrame | Mapping[str, Sequence[str]] | None = None,
        previous_emerging: EmergingThemes | None = None,
        sentiment: bool = True,
        on_stage: Callable[[str], None] | None = None,
        reasons: Sequence[bool] | None = None,
        taken_emerging_ids: Iterable[str] = (),
        earlier_emerging: Sequence[EmergingThemes] = (),
    ) -> ThemeRun:
        """Fit on ``texts`` and assign them in one pass (text is prepared once).

        ``ids``: comment ids (default ``0..n-1`` as strings). ``codes``: HR codings
        (see ``read_codes``); coded comments train the model and keep HR's themes in the output
        with source ``hr``. ``previous_emerging``: the emerging themes of an earlier run, whose
        ids are carried over to the clusters that overlap them; ``taken_emerging_ids``: every
        emerging theme id given before (an earlier run's themes that the previous run did not
        find), so that a new cluster never takes one; ``earlier_emerging``: those themes as the
        runs that last found them left them, most recent first, so that a cluster the previous
        run did not find, which comes back, gets its id again (``carry_over_ids``). ``on_stage``:
        called with
        ``"prepare"``, ``"match"``, ``"emerging"`` and (with ``sentiment``) ``"sentiment"`` as
        each stage begins, to show progress. ``reasons``: for each text, whether it answers
        "why are you leaving?"; the lexicon does not read the clauses of those that only praise
        (``analysis/themes/praise.py``).
        """
        stage = on_stage or (lambda name: None)
        texts, ids = _texts_and_ids(texts, ids)
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        stage("prepare")
        docs = self._prepare(texts)
        self.surface_ = self._surface_forms(docs)
        timings["prepare"] = time.perf_counter() - clock

        clock = time.perf_counter()
        stage("match")
        coded = read_codes(codes, self.taxonomy) if codes is not None else {}
        rows, labels = self._coded(ids, coded)
        read = self._lexicon_docs(docs, reasons)
        self.seed_matcher.vetoes = learn_vetoes(self.seed_matcher, [read[i] for i in rows], labels, seed=self.seed)
        seeds = self.seed_matcher.transform(read)
        self._fit_classifier(docs, ids, coded, seeds)
        scores, sources = self._combine(docs, seeds)
        explained = scores.assigned.any(axis=1)
        for i, comment_id in enumerate(ids):
            if comment_id in coded:
                explained[i] = bool(coded[comment_id]) or explained[i]
        unexplained = np.flatnonzero(~explained)
        stage("emerging")
        self.emerging.fit([docs[i] for i in unexplained], [ids[i] for i in unexplained])
        found = self._readable_emerging(self.emerging.themes_)
        if previous_emerging is not None or taken_emerging_ids or earlier_emerging:
            found = carry_over_ids(previous_emerging or EmergingThemes.empty(), found, taken=taken_emerging_ids,
                                   earlier=earlier_emerging)
        self.emerging_themes_ = found
        timings["fit"] = time.perf_counter() - clock

        clock = time.perf_counter()
        emerging_ids: list[str | None] = [None] * len(docs)
        position = {comment_id: i for i, comment_id in enumerate(ids)}
        for comment_id, theme_id in found.members.items():
            emerging_ids[position[comment_id]] = theme_id
        assignments, comments = self._frames(docs, ids, scores, sources, emerging_ids, coded)
        timings["assign"] = time.perf_counter() - clock
        if sentiment:
            clock = time.perf_counter()
            stage("sentiment")
            comments["sentiment"] = self._sentiment([d.text for d in docs])
            timings["sentiment"] = time.perf_counter() - clock
        return ThemeRun(assignments, comments, found, self.model_version_, timings)

    def assign(
        self,
        texts: Iterable[object],
        ids: Iterable[object] | None = None,
        *,
        codes: pd.DataFrame | Mapping[str, Sequence[str]] | None = None,
    ) -> pd.DataFrame:
        """Themes of new comments with the fitted model: a long frame (``ASSIGNMENT_COLUMNS``).

        Each comment gets its taxonomy themes in score order and, if it has none, its nearest
        emerging theme. ``codes`` (HR codings) replace the model's themes for the comments
        they cover.
        """
        return self.assign_comments(texts, ids, codes=codes, sentiment=False)[0]

    def assign_comments(
        self,
        texts: Iterable[object],
        ids: Iterable[object] | None = None,
        *,
        codes: pd.DataFrame | Mapping[str, Sequence[str]] | None = None,
        sentiment: bool = True,
        reasons: Sequence[bool] | None = None,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Like ``assign`` but also returns the per-comment frame (see ``ThemeRun.comments``);
        ``reasons`` as for :meth:`run`."""
        texts, ids = _texts_and_ids(texts, ids)
        coded = read_codes(codes, self.taxonomy) if codes is not None else {}
        docs = self._prepare(texts)
        scores, sources = self._combine(docs, self.seed_matcher.transform(self._lexicon_docs(docs, reasons)))
        nearest = self.emerging.theme_ids(docs)
        emerging_ids = [None if scores.assigned[i].any() or coded.get(ids[i]) else nearest[i] for i in range(len(docs))]
        assignments, comments = self._frames(docs, ids, scores, sources, emerging_ids, coded)
        if sentiment:
            comments["sentiment"] = self._sentiment([d.text for d in docs])
        return assignments, comments

    def sentiment(self, texts: Iterable[object]) -> np.ndarray:
        """Compound VADER sentiment in [-1, 1] of each (scrubbed) text."""
        return self._sentiment([self.preparer.scrubber.scrub(t) for t in texts])

    @property
    def emerging_themes(self) -> EmergingThemes:
        """Emerging themes found by the last ``fit``/``run``."""
        return self.emerging_themes_

    def save(self, path: str | Path) -> Path:
        """Write the fitted pipeline to ``path`` (joblib). Load it with ``ThemePipeline.load``."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": PIPELINE_FORMAT, "pipeline": self}, path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> ThemePipeline:
        """Read a pipeline written by ``save``. Only load files you wrote: joblib runs code."""
        payload = joblib.load(Path(path))
        if not isinstance(payload, dict) or payload.get("format") != PIPELINE_FORMAT:
            raise ValueError(f"{path}: not a saved theme pipeline (format {PIPELINE_FORMAT})")
        return payload["pipeline"]

    # -- steps ----------------------------------------------------------------------------
    def _coded(self, ids: Sequence[str], coded: Mapping[str, Sequence[str]]) -> tuple[list[int], np.ndarray]:
        """Positions of the coded comments and their themes as an (n, themes) 0/1 array."""
        rows = [i for i, comment_id in enumerate(ids) if comment_id in coded]
        labels = np.zeros((len(rows), len(self.taxonomy.ids)), dtype=bool)
        column = {t: j for j, t in enumerate(self.taxonomy.ids)}
        for r, i in enumerate(rows):
            for theme_id in coded[ids[i]]:
                labels[r, column[theme_id]] = True
        return rows, labels

    def _fit_classifier(self, docs, ids, coded, seeds: ThemeScores) -> None:
        rows, labels = self._coded(ids, coded)
        self.supervised_ = False
        if rows:
            trainable = (labels.sum(axis=0) >= self.min_positives) & (
                (len(rows) - labels.sum(axis=0)) >= self.min_positives
            )
            if trainable.any():
                self.classifier.fit([docs[i] for i in rows], labels, self.taxonomy.ids, extra=seeds.scores[rows],
                                    base=seeds.assigned[rows])
                self.supervised_ = bool(self.classifier.theme_ids_)
        learnt = self.supervised_ or bool(self.seed_matcher.vetoes)
        self.codes_fingerprint_ = _fingerprint_codes(coded, docs, ids) if learnt else None
        self.model_version_ = self._version(self.codes_fingerprint_)

    def _combine(self, docs: Sequence[PreparedText], seeds: ThemeScores) -> tuple[ThemeScores, np.ndarray]:
        """Seed hits, plus what the supervised model adds above its learnt threshold.

        The model only ever adds: a seed hit stays whatever the model scores it (HR removes a
        theme from a comment by rejecting it, which outranks both). Its thresholds were chosen
        by cross-validation on HR's codes to improve on the seeds alone, and a theme where no
        threshold did never adds anything. Returns the scores and, per comment and theme, where
        an assignment came from (``seed`` or ``model``).
        """
        scores = ThemeScores(
            list(seeds.theme_ids), seeds.scores.copy(), seeds.assigned.copy(), [dict(t) for t in seeds.terms]
        )
        sources = np.full(seeds.assigned.shape, "seed", dtype=object)
        if not self.supervised_:
            return scores, sources
        model = self.classifier.transform(docs, extra=seeds.scores)
        column = {t: j for j, t in enumerate(seeds.theme_ids)}
        for j, theme_id in enumerate(model.theme_ids):
            c = column[theme_id]
            added = model.assigned[:, j] & ~seeds.assigned[:, c]
            scores.assigned[:, c] |= added
            scores.scores[:, c] = np.maximum(seeds.scores[:, c], np.where(added, model.scores[:, j], 0))
            sources[added, c] = "model"
            for i in np.flatnonzero(added):
                scores.terms[i][c] = [self._readable(t) for t in model.terms[i].get(j, [])]
        return scores, sources

    def _frames(
        self, docs, ids, scores: ThemeScores, sources, emerging_ids, coded
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        theme_ids = scores.theme_ids
        labels = {row.theme_id: row.terms for row in self.emerging_themes_.themes.itertuples()}
        rows: list[tuple] = []
        per_comment = []
        version = self.model_version_
        for i, comment_id in enumerate(ids):
            if comment_id in coded:
                chosen = [(t, 1.0, "hr", "") for t in coded[comment_id]]
            else:
                cols = np.flatnonzero(scores.assigned[i])
                cols = cols[np.argsort(-scores.scores[i, cols], kind="stable")]
                chosen = [
                    (
                        theme_ids[c],
                        round(float(scores.scores[i, c]), 4),
                        sources[i, c],
                        "; ".join(scores.terms[i].get(c, [])),
                    )
                    for c in cols
                ]
            for theme_id, score, source, terms in chosen:
                rows.append((comment_id, theme_id, score, source, terms, version))
            emerging = emerging_ids[i]
            if emerging is not None:
                rows.append((comment_id, emerging, 1.0, "model", "; ".join(labels.get(emerging, [])[:3]), version))
            per_comment.append(
                (
                    comment_id,
                    docs[i].text,
                    [c[0] for c in chosen],
                    [c[1] for c in chosen],
                    [c[2] for c in chosen],
                    emerging,
                )
            )
        assignments = pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)
        comments = pd.DataFrame(
            per_comment, columns=["comment_id", "text", "theme_ids", "scores", "sources", "emerging_theme"]
        )
        return assignments, comments

    # -- helpers --------------------------------------------------------------------------
    def _version(self, codes_fingerprint: str | None) -> str:
        trained = f"model.{codes_fingerprint}" if codes_fingerprint else "seeds"
        taxonomy = f"tax{self.taxonomy.version}.{self.taxonomy.fingerprint[:8]}"
        return f"themes-{PIPELINE_FORMAT}+rules{LEXICON_RULES}+{taxonomy}+{trained}+s{self.seed}"

    def _show_progress(self) -> bool:
        return sys.stderr.isatty() if self.progress is None else bool(self.progress)

    def _chunks(self, items: list, size: int, desc: str):
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        return tqdm(chunks, desc=desc, unit="chunk", disable=not self._show_progress(), file=sys.stderr)

    def _lexicon_docs(self, docs: list[PreparedText], reasons: Sequence[bool] | None) -> list[PreparedText]:
        """What the lexicon reads of each comment: answers to "why are you leaving?" without
        their clauses that only praise, every other comment as it is."""
        if reasons is None:
            return docs
        if len(reasons) != len(docs):
            raise ValueError(f"reasons has {len(reasons)} entries for {len(docs)} comments")
        out = list(docs)
        for i, is_reason in enumerate(reasons):
            if is_reason:
                kept = without_praise(docs[i].text)
                if kept is not docs[i].text:
                    out[i] = PreparedText(text=kept, tokens=self.preparer.tokens(kept))
        return out

    def _prepare(self, texts: list[object]) -> list[PreparedText]:
        """Prepared texts, each distinct text prepared once (surveys repeat "None", "Pay" ...)."""
        distinct, back = _distinct(texts)
        prepared = self._prepare_distinct(distinct)
        return [prepared[i] for i in back]

    def _prepare_distinct(self, texts: list[object]) -> list[PreparedText]:
        if len(texts) <= self.parallel_threshold or self.n_jobs == 1:
            if len(texts) <= self.parallel_threshold:
                return self.preparer.transform(texts)
            out: list[PreparedText] = []
            for chunk in self._chunks(texts, 10_000, "preparing text"):
                out.extend(self.preparer.transform(chunk))
            return out
        parts = joblib.Parallel(n_jobs=self.n_jobs, return_as="generator")(
            joblib.delayed(self.preparer.transform)(chunk)
            for chunk in [texts[i : i + 20_000] for i in range(0, len(texts), 20_000)]
        )
        out = []
        for part in tqdm(
            parts,
            total=-(-len(texts) // 20_000),
            desc="preparing text",
            unit="chunk",
            disable=not self._show_progress(),
            file=sys.stderr,
        ):
            out.extend(part)
        return out

    def _sentiment(self, texts: list[str]) -> np.ndarray:
        """Sentiment of each text, each distinct text scored once."""
        distinct, back = _distinct(texts)
        return self._sentiment_distinct(distinct)[np.asarray(back, dtype=int)] if texts else np.zeros(0)

    def _sentiment_distinct(self, texts: list[str]) -> np.ndarray:
        if len(texts) <= self.parallel_threshold or self.n_jobs == 1:
            if len(texts) <= self.parallel_threshold:
                return self.sentiment_step.transform(texts)
            return np.concatenate([self.sentiment_step.transform(c) for c in self._chunks(texts, 10_000, "sentiment")])
        size = 20_000
        parts = joblib.Parallel(n_jobs=self.n_jobs, return_as="generator")(
            joblib.delayed(self.sentiment_step.transform)(texts[i : i + size]) for i in range(0, len(texts), size)
        )
        return np.concatenate(
            list(
                tqdm(
                    parts,
                    total=-(-len(texts) // size),
                    desc="sentiment",
                    unit="chunk",
                    disable=not self._show_progress(),
                    file=sys.stderr,
                )
            )
        )

    def _readable_emerging(self, found: EmergingThemes) -> EmergingThemes:
        """Emerging themes with their terms and label written as words rather than stems."""
        if found.themes.empty:
            return found
        themes = found.themes.copy()
        themes["terms"] = [list(dict.fromkeys(self._readable(t) for t in terms)) for terms in themes["terms"]]
        themes["label_terms"] = [[self._readable(t) for t in terms] for terms in themes["label_terms"]]
        themes["label"] = [" / ".join(terms) for terms in themes["label_terms"]]
        return EmergingThemes(themes, found.members, found.centroids, found.vocabulary)

    def _readable(self, term: str) -> str:
        """A stemmed feature ("not_supervis manag") in words a person reads ("not supervision manager")."""
        return " ".join(self._surface_word(t) for t in term.split())

    def _surface_word(self, stem: str) -> str:
        negated = stem.startswith(NEGATION_PREFIX)
        bare = stem.removeprefix(NEGATION_PREFIX)
        word = self.surface_.get(bare, bare)
        return f"not {word}" if negated else word

    def _surface_forms(self, docs: Sequence[PreparedText], limit: int = 5000) -> dict[str, str]:
        """Stem -> the shortest word (then alphabetical) that gives it, from up to ``limit``
        comments; the same whichever process prepared them."""
        words: dict[str, str] = {}
        seen: set[str] = set()
        for doc in docs:
            if len(seen) >= limit:
                break
            if doc.text in seen:
                continue
            seen.add(doc.text)
            for word in self.preparer.words(doc.text):
                stem = self.preparer.stem(word)
                best = words.get(stem)
                if best is None or (len(word), word) < (len(best), best):
                    words[stem] = word
        return words


def _texts_and_ids(texts: Iterable[object], ids: Iterable[object] | None) -> tuple[list[object], list[str]]:
    texts = list(texts)
    ids_list = [str(i) for i in ids] if ids is not None else [str(i) for i in range(len(texts))]
    if len(ids_list) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(ids_list)} ids")
    if len(set(ids_list)) != len(ids_list):
        dup = pd.Series(ids_list)[pd.Series(ids_list).duplicated()].iloc[0]
        raise ValueError(f"comment ids must be unique; '{dup}' appears more than once")
    return texts, ids_list


def _distinct(texts: list) -> tuple[list, list[int]]:
    """Distinct values in first-seen order, and for each input the position of its value."""
    position: dict = {}
    back = []
    for text in texts:
        key = text if isinstance(text, str) else repr(text)
        index = position.get(key)
        if index is None:
            index = position[key] = len(position)
        back.append(index)
    distinct = [None] * len(position)
    for text, index in zip(texts, back, strict=True):
        if distinct[index] is None:
            distinct[index] = text
    return distinct, back


def _fingerprint_codes(coded: Mapping[str, Sequence[str]], docs, ids) -> str:
    digest = hashlib.sha256()
    for i, comment_id in enumerate(ids):
        if comment_id in coded:
            digest.update(docs[i].text.encode("utf-8"))
            digest.update(("|" + ";".join(sorted(coded[comment_id])) + "\n").encode("utf-8"))
    return digest.hexdigest()[:8]
