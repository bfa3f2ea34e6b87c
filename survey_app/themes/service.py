"""Run the theme pipeline on the database, and record HR's codings.

The machine's assignments are replaced by each run; HR's (``hr`` confirmed or added,
``rejected``) are kept, outrank the model for the comments they cover, and train the next run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import gettext

from analysis.taxonomy import (
    PhraseProblem,
    Seed,
    Taxonomy,
    Theme,
    default_weight,
    load_taxonomy,
    parse_phrase_lines,
)

from ..extensions import db
from ..models import (
    Comment,
    CustomTheme,
    EmergingTheme,
    ThemeAssignment,
    ThemeLexicon,
    ThemeRunRecord,
    default_organisation,
    random_id,
)

HR_SOURCES = ("hr", "rejected")
SEED = 0


def organisation_taxonomy(organisation_id: int) -> Taxonomy:
    """The shipped taxonomy, with HR's latest phrase list for each theme whose phrases HR has
    edited, plus the themes HR promoted from emerging themes."""
    base = load_taxonomy()
    custom = db.session.execute(
        sa.select(CustomTheme).filter_by(organisation_id=organisation_id).order_by(CustomTheme.theme_id)
    ).scalars().all()
    edited = latest_lexicons(organisation_id)
    if not custom and not edited:
        return base
    themes = tuple(
        replace(t, phrases=_seeds(edited[t.id].phrases)) if t.id in edited else t for t in base.themes
    ) + tuple(
        Theme(id=c.theme_id, label=c.label, description=c.description, lga_standard=None,
              seeds=tuple(Seed(p, default_weight(p)) for p in c.seed_phrases),
              phrases=_seeds(edited[c.theme_id].phrases) if c.theme_id in edited else ())
        for c in custom
    )
    digest = hashlib.sha256(
        (base.fingerprint + "".join(
            f"{t.id}:{[s.phrase for s in t.seeds]}:{[(p.phrase, p.weight) for p in t.phrases]}"
            for t in themes if t.id in edited or t.id not in base
        )).encode()
    ).hexdigest()[:12]
    return Taxonomy(version=base.version, themes=themes, fingerprint=digest, source=base.source)


def _seeds(stored: list[dict]) -> tuple[Seed, ...]:
    return tuple(
        Seed(p["phrase"], p["weight"], explicit=True) if p.get("weight") is not None
        else Seed(p["phrase"], default_weight(p["phrase"]))
        for p in stored
    )


def latest_lexicons(organisation_id: int) -> dict[str, ThemeLexicon]:
    """Theme id -> HR's newest saved phrase list, for the themes HR has edited."""
    newest = (
        sa.select(ThemeLexicon.theme_id, sa.func.max(ThemeLexicon.version).label("version"))
        .where(ThemeLexicon.organisation_id == organisation_id).group_by(ThemeLexicon.theme_id).subquery()
    )
    rows = db.session.execute(
        sa.select(ThemeLexicon).join(newest, sa.and_(ThemeLexicon.theme_id == newest.c.theme_id,
                                                     ThemeLexicon.version == newest.c.version))
        .where(ThemeLexicon.organisation_id == organisation_id)
    ).scalars()
    return {row.theme_id: row for row in rows}


class LexiconError(ValueError):
    """HR's phrase list cannot be saved. ``kind`` says why: ``lines`` (``problems`` names each
    bad line, as ``PhraseProblem``), ``empty`` (no phrase at all), ``unchanged`` (the list is the
    one in use) or ``unknown_theme``. ``str()`` is the English message; the page words it in its
    own language from ``kind``."""

    MESSAGES = {"empty": "Enter at least one phrase. A theme with no phrases is only found by HR and the model",
                "unchanged": "The phrase list has not changed", "unknown_theme": "There is no theme called {theme}"}

    def __init__(self, kind: str, problems: list[PhraseProblem] | None = None, theme: str = "") -> None:
        self.kind, self.problems, self.theme = kind, problems or [], theme
        super().__init__("; ".join(str(p) for p in self.problems) if kind == "lines"
                         else self.MESSAGES[kind].format(theme=theme))


@dataclass(frozen=True)
class LexiconChange:
    """What saving a phrase list changed: the new version, the phrases added and removed (neither
    when only weights changed)."""

    version: int
    added: list[str]
    removed: list[str]

    @property
    def summary(self) -> str:
        """In English, for the audit log: "version 3: added ...; removed ..."."""
        changes = "; ".join(part for part in (
            f"added {', '.join(self.added)}" if self.added else "",
            f"removed {', '.join(self.removed)}" if self.removed else "",
        ) if part) or "changed weights"
        return f"version {self.version}: {changes}"


def save_lexicon(organisation_id: int, theme_id: str, text: str,
                 user_id: int | None) -> tuple[ThemeLexicon, LexiconChange]:
    """Save HR's phrase list for a theme as a new version. Returns the row and what changed.
    Nothing is saved if any line is bad (``LexiconError``), the list is empty, or nothing
    changed. The caller audits and commits."""
    taxonomy = organisation_taxonomy(organisation_id)
    if theme_id not in taxonomy:
        raise LexiconError("unknown_theme", theme=theme_id)
    phrases, problems = parse_phrase_lines(text)
    if problems:
        raise LexiconError("lines", problems)
    if not phrases:
        raise LexiconError("empty")
    current = {p.phrase: p for p in taxonomy[theme_id].phrases}
    # A weak phrase keeps its written weight when it stays weak.
    stored = []
    for p in phrases:
        before = current.get(p.phrase)
        weight = p.weight if p.explicit else None
        if p.explicit and before is not None and before.explicit and before.weight < 0.5:
            weight = before.weight
        stored.append({"phrase": p.phrase, "weight": weight})
    if _seeds(stored) == tuple(current.values()):
        raise LexiconError("unchanged")
    added = [p.phrase for p in phrases if p.phrase not in current]
    removed = [p for p in current if p not in {q.phrase for q in phrases}]
    version = (db.session.execute(
        sa.select(sa.func.max(ThemeLexicon.version)).filter_by(organisation_id=organisation_id, theme_id=theme_id)
    ).scalar() or 0) + 1
    row = ThemeLexicon(organisation_id=organisation_id, theme_id=theme_id, version=version, phrases=stored,
                       saved_at=datetime.now(UTC).replace(tzinfo=None), saved_by_id=user_id)
    db.session.add(row)
    return row, LexiconChange(version, added, removed)


def theme_labels(organisation_id: int, for_publication: bool = False) -> dict[str, str]:
    """Theme id -> label for every taxonomy theme and emerging theme of the organisation.

    An emerging theme's label is made from the words of the comments in it, so it stays in
    HR's view: ``for_publication`` leaves emerging themes out (a report then counts them
    without a name until HR promotes them into the taxonomy with a label of its own)."""
    labels = {t.id: t.label for t in organisation_taxonomy(organisation_id).themes}
    if for_publication:
        return labels
    for row in db.session.execute(sa.select(EmergingTheme).filter_by(organisation_id=organisation_id)).scalars():
        labels.setdefault(row.theme_id, f"Emerging: {row.label}")
    return labels


# pandas, joblib and the theme pipeline load on first use, not when a web worker or command starts.
if TYPE_CHECKING:
    import pandas as pd

    from analysis.themes.emerging import EmergingThemes


def assignments_frame(organisation_id: int) -> pd.DataFrame:
    rows = db.session.execute(
        sa.select(ThemeAssignment.comment_id, ThemeAssignment.theme_id, ThemeAssignment.score,
                  ThemeAssignment.source, ThemeAssignment.model_version)
        .where(ThemeAssignment.organisation_id == organisation_id)
    ).all()
    import pandas as pd

    return pd.DataFrame(rows, columns=["comment_id", "theme_id", "score", "source", "model_version"])


def _stored_emerging(organisation_id: int) -> tuple[EmergingThemes | None, list[EmergingThemes]]:
    """The emerging themes of the last run, and those earlier runs found that it did not, as the
    run that last found each left them (most recent first): the next run gives a cluster that
    matches one of them its id again, and with it HR's decision."""
    from analysis.themes.emerging import EmergingThemes

    runs = sa.select(ThemeRunRecord.id, ThemeRunRecord.emerging_state).where(
        ThemeRunRecord.organisation_id == organisation_id)
    last = db.session.execute(runs.order_by(ThemeRunRecord.id.desc()).limit(1)).first()
    if last is None:
        return None, []
    unfound: dict[int, list[str]] = {}
    for theme_id, run_id in db.session.execute(
            sa.select(EmergingTheme.theme_id, EmergingTheme.last_seen_run_id).where(
                EmergingTheme.organisation_id == organisation_id, EmergingTheme.last_seen_run_id != last.id)):
        unfound.setdefault(run_id, []).append(theme_id)
    earlier = [EmergingThemes.from_stored(state).only(unfound[run_id]) for run_id, state in db.session.execute(
        runs.where(ThemeRunRecord.id.in_(unfound), ThemeRunRecord.emerging_state.is_not(None))
        .order_by(ThemeRunRecord.id.desc()))]
    return (EmergingThemes.from_stored(last.emerging_state) if last.emerging_state else None), earlier


@dataclass
class RunSummary:
    comments: int
    themed: int
    coded: int
    emerging: int
    model_version: str


#: The stages of a theme run, in order, named in English (a theme's page names them in its language).
RUN_STAGES = {
    "read": "reading the written answers",
    "prepare": "preparing the text",
    "match": "matching each theme's phrases and learning from HR's corrections",
    "emerging": "looking for emerging themes",
    "sentiment": "scoring the tone of each answer",
    "save": "saving the themes",
}


def run_themes(progress: bool | None = None, on_stage: Callable[[str], None] | None = None) -> RunSummary:
    """Assign themes to every comment that still has its text, and store the result.

    ``on_stage`` is called with each key of :data:`RUN_STAGES` as that stage begins."""
    from analysis.loaders import load_frames
    from analysis.reports.counts import REASONS_PURPOSE
    from analysis.themes.pipeline import ThemePipeline, codes_from_assignments

    stage = on_stage or (lambda name: None)
    stage("read")
    org = default_organisation()
    frames = load_frames(db.engine, organisation_id=org.id)
    comments = frames.comments[frames.comments["text"].notna() & (frames.comments["text"] != "")]
    # Comments in Welsh are not themed by the English lexicon and model: HR codes them.
    welsh = set(db.session.execute(sa.select(Comment.id).where(Comment.organisation_id == org.id,
                                                               Comment.language == "cy")).scalars())
    comments = comments[~comments["comment_id"].isin(welsh)]
    # Keys are random, so order by content: the same comments always cluster the same way.
    comments = comments.sort_values(["text", "comment_id"], kind="stable")
    existing = assignments_frame(org.id)
    codes = codes_from_assignments(existing) if len(existing) else {}
    taxonomy = organisation_taxonomy(org.id)
    pipeline = ThemePipeline(taxonomy, seed=SEED, progress=progress)
    # Praise in an answer to "why are you leaving?" is not a reason (analysis/themes/praise.py).
    reasons = (comments["purpose"] == REASONS_PURPOSE).tolist()
    given = list(db.session.execute(sa.select(EmergingTheme.theme_id).filter_by(organisation_id=org.id)).scalars())
    previous, earlier = _stored_emerging(org.id)
    run = pipeline.run(comments["text"].tolist(), ids=comments["comment_id"].tolist(), codes=codes or None,
                       previous_emerging=previous, earlier_emerging=earlier, on_stage=stage, reasons=reasons,
                       taken_emerging_ids=given)
    stage("save")

    record = ThemeRunRecord(organisation_id=org.id, model_version=run.model_version,
                            ran_at=datetime.now(UTC).replace(tzinfo=None), comments=len(comments),
                            themed=int(sum(bool(t) for t in run.comments["theme_ids"])), coded=len(codes),
                            emerging=len(run.emerging.themes), emerging_state=run.emerging.stored())
    db.session.add(record)
    db.session.flush()

    # Replace the machine's rows for the comments re-assigned; keep HR's, and everything on
    # comments whose text was purged (their themes stay for trends).
    ids = comments["comment_id"].tolist() + sorted(welsh)
    alive = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(sa.delete(ThemeAssignment).where(
            ThemeAssignment.comment_id.in_(chunk), ThemeAssignment.source.notin_(HR_SOURCES)))
        # A comment removed since the run read it (a focus-group remark HR deleted) gets no rows.
        # Once the delete above has run, SQLite's write lock keeps others from removing more; on
        # PostgreSQL the key-share lock does, until this run commits.
        alive.update(db.session.execute(sa.select(Comment.id).where(Comment.id.in_(chunk))
                                        .with_for_update(key_share=True)).scalars())
    machine = run.assignments[~run.assignments["source"].isin(HR_SOURCES) & run.assignments["comment_id"].isin(alive)]
    known = {row.theme_id: row for row in db.session.execute(
        sa.select(EmergingTheme).filter_by(organisation_id=org.id)).scalars()}
    rows = {}
    for r in machine.itertuples(index=False):
        theme_id = _decided(r.theme_id, known.get(r.theme_id), coded=r.comment_id in codes)
        if theme_id is not None:
            rows.setdefault((r.comment_id, theme_id), {
                "id": random_id(), "organisation_id": org.id, "comment_id": r.comment_id, "theme_id": theme_id,
                "score": float(r.score), "source": r.source if r.source in ("seed", "model") else "model",
                "terms": r.terms or "", "model_version": r.model_version})
    rows = list(rows.values())
    if rows:
        # HR may have coded some of these comments since the run read its codes: HR's row for a
        # comment and theme stands, and the machine's is not added beside it.
        db.session.execute(_insert(ThemeAssignment.__table__).on_conflict_do_nothing(
            index_elements=["comment_id", "theme_id"]), rows)

    for theme in run.emerging.themes.itertuples(index=False):
        row = known.get(theme.theme_id)
        if row is None:
            row = EmergingTheme(organisation_id=org.id, theme_id=theme.theme_id, status="open")
            db.session.add(row)
        if row.status == "open":  # a decided theme keeps the words HR decided on
            row.label = str(theme.label)[:300]
            row.terms = [str(t) for t in theme.terms]
        row.size = int(theme.size)
        row.last_seen_run_id = record.id
    db.session.commit()
    return RunSummary(record.comments, record.themed, record.coded, record.emerging, record.model_version)


def _decided(theme_id: str, emerging: EmergingTheme | None, coded: bool) -> str | None:
    """The theme a run's assignment to ``theme_id`` stands for, or ``None`` for none.

    A taxonomy theme, or an emerging theme open or new this run (``emerging`` its row, if any),
    stands as it is. Once HR has decided on an emerging theme, a later run that finds the same
    cluster (the same id, carried over) follows that decision: merged or promoted into a theme,
    its new members are that theme's, as a machine assignment HR may correct (not for a comment
    HR has coded: HR's codes stand); dismissed, they are no theme's. Left under the emerging id
    they would be counted in reports as a theme awaiting HR's review, which HR could no longer
    act on."""
    if emerging is None or emerging.status == "open":
        return theme_id
    return emerging.became if emerging.status in ("merged", "promoted") and not coded else None


def record_hr_coding(comment: Comment, chosen: list[str]) -> None:
    """HR's full set of themes for a comment: chosen ones become ``hr``; machine ones left out
    become ``rejected``. The caller commits (and audits).

    Written as statements on whatever rows are there when they run, not as changes to rows read
    before: a theme run may replace the machine's rows meanwhile, and HR's decision must land on
    the rows it finds (an update of a row the run deleted, or a second row for the same theme,
    failed the request)."""
    org_id = comment.organisation_id
    known = set(organisation_taxonomy(org_id).ids)
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise ValueError(f"unknown theme(s): {', '.join(unknown)}")
    db.session.execute(
        sa.update(ThemeAssignment)
        .where(ThemeAssignment.comment_id == comment.id, ThemeAssignment.theme_id.notin_(chosen),
               ThemeAssignment.theme_id.notlike("emerging:%"))
        .values(source="rejected", score=0.0, model_version="hr")
        .execution_options(synchronize_session="fetch"))
    if chosen:
        rows = [{"id": random_id(), "organisation_id": org_id, "comment_id": comment.id, "theme_id": theme_id,
                 "score": 1.0, "source": "hr", "terms": "", "model_version": "hr"} for theme_id in chosen]
        statement = _insert(ThemeAssignment.__table__)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["comment_id", "theme_id"],
            set_={"source": "hr", "score": 1.0, "model_version": "hr"}), rows)


def _insert(table: sa.Table):
    """An INSERT in the database's own dialect, which can say what to do on a conflict."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def merge_emerging(organisation_id: int, emerging_id: str, into: str) -> int:
    """Code every comment of an emerging theme with taxonomy theme ``into``; returns how many."""
    if into not in set(organisation_taxonomy(organisation_id).ids):
        raise ValueError(gettext("Unknown theme: %(theme)s", theme=into))
    theme = db.session.execute(sa.select(EmergingTheme).filter_by(organisation_id=organisation_id,
                                                                   theme_id=emerging_id)).scalar_one()
    members = db.session.execute(sa.select(ThemeAssignment.comment_id).filter_by(
        organisation_id=organisation_id, theme_id=emerging_id)).scalars().all()
    for comment_id in members:
        comment = db.session.get(Comment, comment_id)
        current = [a.theme_id for a in db.session.execute(sa.select(ThemeAssignment).filter_by(
            comment_id=comment_id)).scalars() if a.source in ("seed", "model", "hr") and
                   not a.theme_id.startswith("emerging:")]
        record_hr_coding(comment, sorted(set(current) | {into}))
    # Its comments now carry HR's theme; left under the emerging one too they would be counted
    # twice until the next run.
    _clear_emerging(organisation_id, emerging_id)
    theme.status, theme.became = "merged", into
    return len(members)


def dismiss_emerging(organisation_id: int, emerging_id: str) -> None:
    """HR finds an emerging theme is not a theme: its comments are no longer counted under it
    (reports would print it as awaiting HR's review), and later runs keep them out of it."""
    theme = db.session.execute(sa.select(EmergingTheme).filter_by(organisation_id=organisation_id,
                                                                   theme_id=emerging_id)).scalar_one()
    _clear_emerging(organisation_id, emerging_id)
    theme.status = "dismissed"


def _clear_emerging(organisation_id: int, emerging_id: str) -> None:
    """No comment is counted under an emerging theme HR has decided on (see ``_decided``)."""
    db.session.execute(sa.delete(ThemeAssignment).where(ThemeAssignment.organisation_id == organisation_id,
                                                        ThemeAssignment.theme_id == emerging_id))


def promote_emerging(organisation_id: int, emerging_id: str, new_id: str, label: str,
                     seed_phrases: list[str] | None = None) -> CustomTheme:
    """Add an emerging theme to the taxonomy as ``new_id`` and code its comments with it.

    ``seed_phrases`` (HR's, defaulting to the cluster's distinctive terms) let the seed matcher
    find the theme in new comments; the codings train the model.
    """
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]{1,40}", new_id):
        raise ValueError(gettext("Enter a theme id of lower case letters, digits and underscores, starting with "
                                 "a letter, for example staff_parking"))
    if new_id in set(organisation_taxonomy(organisation_id).ids):
        raise ValueError(gettext("There is already a theme called %(theme)s: choose another id", theme=new_id))
    theme = db.session.execute(sa.select(EmergingTheme).filter_by(organisation_id=organisation_id,
                                                                   theme_id=emerging_id)).scalar_one()
    custom = CustomTheme(organisation_id=organisation_id, theme_id=new_id, label=label,
                         description=f"Promoted from an emerging theme: {theme.label}",
                         seed_phrases=[p.strip() for p in (seed_phrases or list(theme.terms)[:12]) if p.strip()])
    db.session.add(custom)
    db.session.flush()
    merge_emerging(organisation_id, emerging_id, new_id)
    theme.status, theme.became = "promoted", new_id
    return custom


@dataclass
class PhraseStats:
    """How one seed or phrase of a theme fares: comments it is found in, and among the comments
    HR has coded, how many HR agreed have the theme (its precision against HR's codes)."""

    phrase: str
    weak: bool
    kind: str  # "phrase" (HR can edit) or "seed" (from the taxonomy file)
    found: int = 0
    coded: int = 0
    agreed: int = 0
    vetoed: bool = False  # HR's checks have stopped it assigning the theme on its own (seeds.learn_vetoes)

    @property
    def precision(self) -> float | None:
        return self.agreed / self.coded if self.coded else None


def phrase_statistics(organisation_id: int, theme_id: str) -> list[PhraseStats]:
    """Every seed and phrase of a theme with its counts over the organisation's comments."""
    import numpy as np

    from analysis.text import TextPreparer
    from analysis.themes.seeds import SeedMatcher, learn_vetoes

    taxonomy = organisation_taxonomy(organisation_id)
    theme = taxonomy[theme_id]
    column = taxonomy.ids.index(theme_id)
    stats = {p.phrase: PhraseStats(p.phrase, p.weight < 0.5, "phrase") for p in theme.phrases}
    for seed in theme.seeds:
        stats.setdefault(seed.phrase, PhraseStats(seed.phrase, seed.weight < 0.5, "seed"))
    comments = db.session.execute(
        sa.select(Comment.id, Comment.text).where(Comment.organisation_id == organisation_id,
                                                  Comment.text.is_not(None), Comment.text != "",
                                                  sa.or_(Comment.language.is_(None), Comment.language != "cy"))
    ).all()
    hr_rows = db.session.execute(
        sa.select(ThemeAssignment.comment_id, ThemeAssignment.theme_id, ThemeAssignment.source)
        .where(ThemeAssignment.organisation_id == organisation_id, ThemeAssignment.source.in_(HR_SOURCES))
    ).all()
    coded = {row.comment_id for row in hr_rows}
    confirmed = {row.comment_id for row in hr_rows if row.theme_id == theme_id and row.source == "hr"}
    preparer = TextPreparer()
    matcher = SeedMatcher(taxonomy, preparer)
    docs = preparer.transform([text for _, text in comments])
    for (comment_id, _), doc in zip(comments, docs, strict=True):
        for col, phrase in matcher.evidence(doc):
            if col != column or phrase not in stats:
                continue
            entry = stats[phrase]
            entry.found += 1
            if comment_id in coded:
                entry.coded += 1
                entry.agreed += comment_id in confirmed
    # The vetoes the next theme run will learn from the same codes, by the same rule.
    rows = [i for i, (comment_id, _) in enumerate(comments) if comment_id in coded]
    if rows:
        codes: dict[str, set[str]] = {}
        for row in hr_rows:
            if row.source == "hr":
                codes.setdefault(row.comment_id, set()).add(row.theme_id)
        labels = np.array([[t in codes.get(comments[i][0], set()) for t in taxonomy.ids] for i in rows], dtype=bool)
        for vetoed_theme, phrase in learn_vetoes(matcher, [docs[i] for i in rows], labels, seed=SEED):
            if vetoed_theme == theme_id and phrase in stats:
                stats[phrase].vetoed = True
    return sorted(stats.values(), key=lambda s: (s.kind != "phrase", -s.found, s.phrase))


def theme_comments(organisation_id: int, theme_id: str, limit: int = 50) -> tuple[list[tuple], int]:
    """Comments given a theme (by the pipeline or HR, not rejected), HR-unchecked first:
    ``(comment, assignment)`` pairs, and how many there are in all."""
    where = (ThemeAssignment.organisation_id == organisation_id, ThemeAssignment.theme_id == theme_id,
             ThemeAssignment.source != "rejected", Comment.text.is_not(None))
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(ThemeAssignment).join(Comment, Comment.id == ThemeAssignment.comment_id)
        .where(*where)
    ).scalar_one()
    rows = db.session.execute(
        sa.select(Comment, ThemeAssignment).join(Comment, Comment.id == ThemeAssignment.comment_id).where(*where)
        .order_by((ThemeAssignment.source == "hr"), ThemeAssignment.score, Comment.period.desc(), Comment.id)
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows], total
