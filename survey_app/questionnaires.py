"""Questionnaire versions in the database: shipped YAML definitions become Instrument rows."""

from __future__ import annotations

import copy

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .instruments import (
    Definition,
    definition_digest,
    known_theme_ids,
    parse_definition,
    shipped_definitions,
    shipped_versions,
)
from .models import Instrument, default_organisation


def sync_shipped_instruments() -> list[Instrument]:
    """Make sure every shipped definition has its row; the highest version of a slug is current."""
    org = default_organisation()
    rows = []
    for definition in shipped_definitions():
        row = db.session.execute(
            db.select(Instrument).filter_by(organisation_id=org.id, slug=definition.slug, version=definition.version)
        ).scalar_one_or_none()
        if row is None:
            row = Instrument(
                organisation_id=org.id,
                slug=definition.slug,
                version=definition.version,
                kind=definition.kind,
                title=definition.title,
                definition=definition.raw,
                requires_code=definition.requires_code,
            )
            db.session.add(row)
        rows.append(row)
    db.session.flush()
    for row in rows:
        newest = max(r.version for r in rows if r.slug == row.slug)
        others = db.session.execute(db.select(Instrument).filter_by(organisation_id=org.id, slug=row.slug)).scalars()
        for other in others:
            other.is_current = other.version == newest
    try:
        db.session.commit()
    except IntegrityError:  # another process synced at the same moment
        db.session.rollback()
    return rows


def sync_when_shipped_changed() -> None:
    """Sync the shipped definitions only when one of them (a slug, or a new version of one) has no
    row yet: the respondents' home page asks on every visit, and a full sync reads every file."""
    have = {(slug, version) for slug, version in db.session.execute(
        db.select(Instrument.slug, Instrument.version).filter_by(organisation_id=default_organisation().id))}
    if not shipped_versions() <= have:
        sync_shipped_instruments()


#: The current version of a questionnaire (``slug`` bound when run): built once, as every
#: respondent page and sending runs it.
_CURRENT = sa.select(Instrument).where(Instrument.slug == sa.bindparam("slug", type_=sa.String),
                                       Instrument.is_current == sa.true())


def current_instrument(slug: str) -> Instrument | None:
    """The version of ``slug`` new respondents get, syncing shipped definitions on first use."""
    row = db.session.execute(_CURRENT, {"slug": slug}).scalar_one_or_none()
    if row is None and slug in {shipped for shipped, _ in shipped_versions()}:
        sync_shipped_instruments()
        row = db.session.execute(_CURRENT, {"slug": slug}).scalar_one_or_none()
    return row


#: parsed definitions by (digest of the definition's JSON, slug, version)
_PARSED: dict[tuple[str, str, int], Definition] = {}
_PARSED_KEPT = 64


def definition_of(instrument: Instrument) -> Definition:
    """The validated definition an Instrument row holds, parsed once per definition.

    Found by the digest the row keeps of its definition, so a request reads neither the
    definition nor its JSON (the column is loaded only on a miss). A row id can name another
    questionnaire in another database (tests, a restored copy), so the id is no key."""
    digest = instrument.definition_digest or definition_digest(instrument.definition)
    key = (digest, instrument.slug, instrument.version)
    parsed = _PARSED.get(key)
    if parsed is None:
        parsed = parse_definition(copy.deepcopy(instrument.definition), f"{instrument.slug} v{instrument.version}",
                                  known_theme_ids())
        if len(_PARSED) >= _PARSED_KEPT:
            _PARSED.clear()
        _PARSED[key] = parsed
    return parsed
