"""Questionnaire versions in the database: shipped YAML definitions become Instrument rows."""

from __future__ import annotations

import copy

from sqlalchemy.exc import IntegrityError

from .extensions import db
from .instruments import Definition, known_theme_ids, parse_definition, shipped_definitions, shipped_versions
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


def current_instrument(slug: str) -> Instrument | None:
    """The version of ``slug`` new respondents get, syncing shipped definitions on first use."""
    query = db.select(Instrument).filter_by(slug=slug, is_current=True)
    row = db.session.execute(query).scalar_one_or_none()
    if row is None and slug in {shipped for shipped, _ in shipped_versions()}:
        sync_shipped_instruments()
        row = db.session.execute(query).scalar_one_or_none()
    return row


#: parsed definitions by (row id, slug, version), each with a copy of the JSON it was parsed from
_PARSED: dict[tuple[int, str, int], tuple[dict, Definition]] = {}
_PARSED_KEPT = 64


def definition_of(instrument: Instrument) -> Definition:
    """The validated definition an Instrument row holds, parsed once per row version.

    A row's id can name another questionnaire in another database (tests, a restored copy), so a
    cached parse is used only while the row holds the same JSON; comparing the dicts costs a
    fraction of serialising them, which every sending and page did before."""
    key = (instrument.id, instrument.slug, instrument.version)
    cached = _PARSED.get(key)
    if cached is not None and cached[0] == instrument.definition:
        return cached[1]
    source = copy.deepcopy(instrument.definition)
    parsed = parse_definition(copy.deepcopy(source), f"{instrument.slug} v{instrument.version}", known_theme_ids())
    if len(_PARSED) >= _PARSED_KEPT:
        _PARSED.clear()
    _PARSED[key] = (source, parsed)
    return parsed
