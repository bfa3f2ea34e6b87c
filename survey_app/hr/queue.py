"""The review queue, a response's detail page, action notes, and paper or interview entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..extensions import db
from ..forms import answer_text, answers_from_form, field_params
from ..i18n import current_language
from ..instruments import Definition, every_version
from ..models import ActionNote, Comment, Instrument, Response, ThemeAssignment, default_organisation
from ..periods import recent_quarters
from ..questionnaires import current_instrument, definition_of
from ..submissions import AnswerError, AnswerProblem, clean_free_text, sending_digest, sending_token, store_response
from ..themes.service import theme_labels
from . import bp
from .coarsen import NOT_SHOWN, Shown, organisation_plan, shown_instead
from .common import (
    CHANNEL_NAMES,
    EQUALITY_NOTE,
    choices_for_role,
    hr_only,
    is_equality_question,
    page_of,
    pagination_params,
)
from .forms import NOTE_LIMIT, ActionNoteForm, QueueFilterForm, paper_form_class
from .retention import retention_summary

ENTRY_CHANNELS = {"paper": _l("Enter a paper questionnaire"), "interview": _l("Enter exit interview notes")}


def apply_queue_filters(query: Select, form: QueueFilterForm) -> Select:
    """Narrow the queue by the filters that say nothing about who answered (questionnaire,
    status, theme); unknown values simply match nothing. Period and details, the channel among
    them, are filtered on what the page shows (:func:`shown_matches`)."""
    data = form.data
    if data.get("instrument"):
        query = query.where(Response.instrument_slug == data["instrument"])
    if data.get("status") == "unreviewed":
        query = query.where(Response.reviewed.is_(False))
    elif data.get("status") == "reviewed":
        query = query.where(Response.reviewed.is_(True))
    if data.get("theme"):
        query = query.where(Response.id.in_(responses_citing(data["theme"])))
    return query


def shown_matches(shown: Shown, data: dict[str, Any]) -> bool:
    """Whether a response, as the page shows it, matches the period and detail filters. A
    detail that is not shown never matches, so a filter cannot tell what a row hides."""
    if data.get("quarter") and data["quarter"] not in shown.quarters:
        return False
    for column in ("role", "service_area", "length_of_service", "channel"):
        if data.get(column) and (column not in shown.details or shown.details[column] != data[column]):
            return False
    return True


def themes_cited(organisation_id: int) -> dict[str, set[str]]:
    """The themes each response cites: a reason it selected, or a theme one of its comments was
    given (and not rejected). Responses that cite none are left out."""
    cited: dict[str, set[str]] = {}
    for response_id, theme_id in db.session.execute(
        db.select(Comment.response_id, ThemeAssignment.theme_id)
        .join(ThemeAssignment, ThemeAssignment.comment_id == Comment.id)
        .where(Comment.organisation_id == organisation_id, ThemeAssignment.source != "rejected",
               Comment.response_id.is_not(None))
    ):
        cited.setdefault(response_id, set()).add(theme_id)
    # Structured reasons live in the answers JSON under whichever key has the leaving_reasons
    # role. Each questionnaire's definition is read once (read with every response, its JSON was
    # decoded thousands of times: seconds on every overview with ten years of answers).
    reason_keys = {instrument.id: [q.key for q in definition_of(instrument).questions if q.role == "leaving_reasons"]
                   for instrument in db.session.execute(db.select(Instrument)).scalars()}
    for response_id, answers, instrument_id in db.session.execute(
        db.select(Response.id, Response.answers, Response.instrument_id)
        .where(Response.organisation_id == organisation_id)
    ):
        for key in reason_keys[instrument_id]:
            reasons = (answers or {}).get(key)
            if reasons:
                cited.setdefault(response_id, set()).update(reasons)
    return cited


def responses_citing(theme_id: str) -> set[str]:
    """Responses that selected the theme as a reason, or have a comment given it (not rejected)."""
    return {response_id for response_id, themes in themes_cited(default_organisation().id).items()
            if theme_id in themes}


def _filter_form() -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    instruments = db.session.execute(
        db.select(Instrument).where(Instrument.is_current.is_(True), Instrument.kind != "focus_group")
        .order_by(Instrument.title)
    ).scalars().all()
    everything = ("", _("All"))
    # Each questionnaire by its title in the language of the page (the stored title is English).
    form.instrument.choices = [everything] + [(i.slug, definition_of(i).localised(current_language()).title)
                                              for i in instruments]
    form.quarter.choices = [everything] + [(q, q) for q in recent_quarters(date.today(), 12)]
    language = current_language()
    form.role.choices = [everything] + choices_for_role("role", language)
    form.service_area.choices = [everything] + choices_for_role("service_area", language)
    form.length_of_service.choices = [everything] + choices_for_role("length_of_service", language)
    form.channel.choices = [everything] + list(CHANNEL_NAMES.items())
    form.theme.choices = [everything] + sorted(theme_labels(default_organisation().id).items(), key=lambda t: t[1])
    return form


def _shown_value(options: dict[str, str], shown: Shown, detail: str) -> str:
    if detail not in shown.details:
        return _("Not shown")
    value = shown.details[detail]
    return options.get(value or "", _("Not answered")) if value else _("Not answered")


@bp.route("/")
@hr_only
def queue():
    form = _filter_form()
    k = current_app.config["DISCLOSURE_THRESHOLD"]
    shown = organisation_plan(k)
    base = apply_queue_filters(db.select(Response.id), form)
    ids = [i for i in db.session.execute(base).scalars() if i in shown and shown_matches(shown[i], form.data)]
    ids.sort(key=lambda i: shown[i].order)
    page = page_of(len(ids))
    chosen = ids[page.offset:page.offset + page.size]
    by_id = {r.id: r for r in db.session.execute(db.select(Response).where(Response.id.in_(chosen))).scalars()}
    titles = {slug: title for slug, title in form.instrument.choices}
    roles, areas, bands = (dict(choices_for_role(r, current_language()))
                           for r in ("role", "service_area", "length_of_service"))
    table = []
    for i in chosen:
        r, view = by_id[i], shown[i]
        table.append({
            "id": r.id,
            "when": view.when or _("Not shown"),
            "instrument": titles.get(r.instrument_slug, r.instrument_slug),
            "channel": _shown_value(CHANNEL_NAMES, view, "channel"),
            "role": _shown_value(roles, view, "role"),
            "service_area": _shown_value(areas, view, "service_area"),
            "length_of_service": _shown_value(bands, view, "length_of_service"),
            "reviewed": r.reviewed,
        })
    entry = [(slug, title) for slug, title in form.instrument.choices if slug]
    return render_template("hr/queue.html", form=form, rows=table, page=page, entry=entry, k=k,
                           entry_channels=ENTRY_CHANNELS, retention=retention_summary(date.today()),
                           pagination=pagination_params(page, "hr.queue"))


def _response_or_404(response_id: str) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or response.organisation_id != current_user.organisation_id:
        abort(404)
    return response


def _answer_text(question, value: Any) -> str:
    if value in (None, "", []):
        return _("Not answered")
    if isinstance(value, list):
        return "; ".join(question.label_for(str(v)) for v in value)
    return question.label_for(str(value))


def answer_sections(response: Response, definition: Definition, shown: Shown | None = None) -> list[dict[str, Any]]:
    """Every question of the response's questionnaire version, with its answer as HR sees it:
    identifying details only as coarsely as ``shown`` allows."""
    comments = {c.question_key: c for c in response.comments}
    retention = current_app.config["RETENTION_MONTHS"]
    sections = []
    for page in definition.pages:
        rows = []
        for q in page.questions:
            if is_equality_question(q):
                continue
            if q.type == "free_text":
                comment = comments.get(q.key)
                if comment is None:
                    value = _("Not answered")
                elif comment.text is None:
                    value = _("Removed after %(months)s months (retention)", months=retention)
                else:
                    value = comment.text
            elif shown is not None and (instead := shown_instead(q.role, shown)) is not None:
                value = _("Not shown") if instead == NOT_SHOWN else instead  # as the exports show it
            else:
                value = _answer_text(q, response.answers.get(q.key))
            # The text sits in its own element: pre-wrap on the cell would also keep the template's
            # line break and indent before it, pushing the answer a line below its question.
            rows.append({"key": {"text": q.text},
                         "value": {"html": Markup('<span class="app-pre-wrap">{}</span>').format(value)}})
        if rows:
            sections.append({"title": page.title, "rows": rows})
        elif any(is_equality_question(q) for q in page.questions):
            sections.append({"title": page.title, "rows": [], "note": EQUALITY_NOTE})
    return sections


@bp.route("/responses")
@hr_only
def responses():
    """``/hr/responses``, the address a person would guess for the responses, is the queue
    (filters kept); without it the address fell to a respondent page and answered 404."""
    return redirect(url_for("hr.queue", **request.args.to_dict(flat=False)))


@bp.route("/responses/<response_id>")
@hr_only
def response(response_id: str):
    row = _response_or_404(response_id)
    audit.record("viewed", "response", row.id)
    db.session.commit()
    return _detail(row, _note_form())


def answer_problem_text(problem: AnswerProblem) -> str:
    """Why the questionnaire refused an answer, in the language of the page (the questionnaire's
    checks say it in English, as imports show it)."""
    messages = {
        "unknown_question": _("not a question in this questionnaire"),
        "required": _("an answer is required"),
        "not_text": _("must be text"),
        "not_month": _("must be a month as YYYY-MM"),
    }
    if problem.kind == "too_long":
        return _("longer than %(limit)s characters", limit=problem.details["limit"])
    if problem.kind == "not_offered":
        return _("not an offered answer: %(values)s", values=problem.details["values"])
    return messages.get(problem.kind, str(problem))


def _question_text(definition: Definition, key: str) -> str:
    try:
        return definition.question(key).text
    except KeyError:  # a question dropped from a later version of the questionnaire
        return key


def _note_form() -> ActionNoteForm:
    """The action note form, offering the organisation's taxonomy themes."""
    from .themes import taxonomy_choices

    form = ActionNoteForm()
    form.theme.choices = [("", _("No single theme")), *taxonomy_choices()]
    return form


def _shown_definition(row: Response, shown: Shown) -> Definition:
    """The questions a response's page lists: its own version's where the version is shown;
    otherwise those of every version of the questionnaire (a question its version did not ask
    reads "Not answered"), since the questions alone would tell which version it answered."""
    if shown.when:
        return definition_of(row.instrument)
    versions = db.session.execute(db.select(Instrument).filter_by(
        organisation_id=row.organisation_id, slug=row.instrument_slug)).scalars().all()
    return every_version([definition_of(i) for i in versions])


def _detail(row: Response, note_form: ActionNoteForm, status: int = 200):
    notes = db.session.execute(
        db.select(ActionNote).filter_by(response_id=row.id).order_by(ActionNote.written_at)
    ).scalars().all()
    from .themes import comment_themes, taxonomy_choices

    commented = [c for c in row.comments if c.text]
    k = current_app.config["DISCLOSURE_THRESHOLD"]
    shown = organisation_plan(k)[row.id]
    definition = _shown_definition(row, shown).localised(current_language())
    return render_template("hr/response.html", response=row, definition=definition, shown=shown,
                           coarse_note=shown.note(k),
                           sections=answer_sections(row, definition, shown), notes=notes, note_form=note_form,
                           comments=commented, comment_themes=comment_themes(commented),
                           comment_titles={c.id: _question_text(definition, c.question_key) for c in commented},
                           taxonomy=taxonomy_choices(), theme_names=dict(taxonomy_choices()),
                           channel=_shown_value(CHANNEL_NAMES, shown, "channel"), note_limit=NOTE_LIMIT), status


@bp.route("/responses/<response_id>/reviewed", methods=["POST"])
@hr_only
def response_reviewed(response_id: str):
    row = _response_or_404(response_id)
    ActionNoteForm()  # CSRF is checked globally; nothing else to read
    row.reviewed = request.form.get("reviewed") != "0"
    audit.record("marked_reviewed" if row.reviewed else "marked_not_reviewed", "response", row.id)
    db.session.commit()
    flash(_("Marked as reviewed.") if row.reviewed else _("Marked as not reviewed."))
    return redirect(url_for("hr.response", response_id=row.id))


@bp.route("/responses/<response_id>/notes", methods=["POST"])
@hr_only
def response_note(response_id: str):
    row = _response_or_404(response_id)
    form = _note_form()
    if not form.validate_on_submit():
        return _detail(row, form, 400)
    note = ActionNote(organisation_id=row.organisation_id, response_id=row.id, author_id=current_user.id,
                      written_at=audit.utcnow(), text=clean_free_text(form.text.data, NOTE_LIMIT),
                      theme_id=form.theme.data or None)
    db.session.add(note)
    db.session.flush()
    audit.record("note_added", "response", row.id, f"action note {note.id}")
    db.session.commit()
    flash(_("Your note has been added."))
    return redirect(url_for("hr.response", response_id=row.id) + "#notes")


def _params(question, form) -> dict[str, Any]:
    """The respondent form's macro parameters, with the question as legend of its fieldset."""
    params = field_params(question, False)
    if "fieldset" in params:
        params["fieldset"]["legend"]["text"] = form[question.key].label.text
    return params


def _paper_data(definition: Definition, form) -> dict[str, Any]:
    # The month of leaving comes from the entry form's own month field, not a question field.
    questions = [q for q in definition.questions if q.role != "leaving_month"]
    out = answers_from_form(questions, form)
    for q in definition.questions:
        if q.role == "leaving_month":
            out[q.key] = form.period_month.data
    return out


def _entry_steps(definition: Definition) -> list[tuple[str, list[Any]]]:
    """The pages of paper or interview entry, as the respondent's: (title, questions) per page,
    the month of leaving first on the first page, then a page to check everything."""
    pages = [(page.title, [q for q in page.questions if q.role != "leaving_month"]) for page in definition.pages]
    pages = [(title, questions) for title, questions in pages if questions]
    return [(pages[0][0], ["period_month", *pages[0][1]]), *pages[1:], (_("Check the answers"), [])]


def _field_names(questions: list[Any]) -> list[str]:
    return [q if isinstance(q, str) else q.key for q in questions]


def _entry_summary(definition: Definition, form, steps) -> list[dict[str, Any]]:
    """What has been entered, page by page, for the check page."""
    out = []
    for index, (title, questions) in enumerate(steps[:-1]):
        rows = []
        for q in questions:
            if isinstance(q, str):
                value = form.period_month.data
                label = dict(form.period_month.choices).get(value, value) if value else _("Not answered")
                rows.append({"key": {"text": form.period_month.label.text}, "value": {"text": label}})
                continue
            text = answer_text(q, form[q.key].data, _("Not answered"))
            rows.append({"key": {"text": q.text}, "value": {"text": text}})
        out.append({"title": title, "step": index, "rows": rows})
    return out


@bp.route("/responses/new/<slug>/<channel>", methods=["GET", "POST"])
@hr_only
def paper_entry(slug: str, channel: str):
    """Paper or interview entry, a page at a time like the questionnaire itself. Nothing is
    stored until the last page: what earlier pages hold travels in the form as hidden fields,
    so an entry left half way leaves nothing behind."""
    instrument = current_instrument(slug)
    if instrument is None or instrument.kind == "focus_group" or channel not in ENTRY_CHANNELS:
        abort(404)
    # Shown in the language of the page; stored from the English definition, as online answers
    # are (keys and values are the same in every language).
    stored_from = definition_of(instrument)
    definition = stored_from.localised(current_language())
    today = date.today()
    form = paper_form_class(definition, today, current_language())()
    steps = _entry_steps(definition)
    last = len(steps) - 1
    problems: list[dict[str, str]] = []
    step, failed = 0, False
    # One entry, from its first page to its saving, carries one random token. Saved, the token's
    # digest goes with the response (as an import's source digest does), so a second "Save
    # response" of the same entry (a double click without JavaScript, the browser's back button
    # and saving again) finds the response already there instead of storing it twice.
    entry = sending_token(request.form.get("entry"))
    if request.method == "POST":
        given = request.form.get("step", "0")
        step = min(int(given), last) if given.isdigit() else 0
        action = request.form.get("action", "")
        if action == "back":
            step = max(step - 1, 0)
        elif action.startswith("change-") and action[7:].isdigit():
            step = min(int(action[7:]), last - 1)
        elif action == "continue":
            names = _field_names(steps[step][1])
            failed = not all([form[name].validate(form) for name in names])
            if not failed:
                step = last if request.form.get("checked") == "1" else min(step + 1, last)
        elif action == "save":
            if not form.validate():
                # Back to the first page with a problem, its errors shown.
                failed = True
                step = next((i for i, (_, questions) in enumerate(steps)
                             if set(_field_names(questions)) & set(form.errors)), 0)
            else:
                year, month = form.period_month.data.split("-")
                fingerprint = sending_digest("entered", entry)
                try:
                    stored = store_response(instrument, stored_from, _paper_data(definition, form), channel=channel,
                                            today=today, period=date(int(year), int(month), 1),
                                            fingerprint=fingerprint)
                    db.session.flush()
                except IntegrityError:
                    db.session.rollback()
                    earlier = db.session.execute(db.select(Response.id).where(
                        Response.source_fingerprint == fingerprint)).scalar()
                    if earlier is None:
                        raise
                    flash(_("This entry had already been saved: here it is, stored once."))
                    return redirect(url_for("hr.response", response_id=earlier))
                except AnswerError as exc:
                    db.session.rollback()
                    failed = True
                    problems = [{"text": _("%(question)s: %(reason)s", question=definition.question(k).text,
                                           reason=answer_problem_text(v))
                                 if k in {q.key for q in definition.questions} else answer_problem_text(v),
                                 "href": f"#{k}"} for k, v in exc.problems.items()]
                else:
                    audit.record("entered", "response", stored.id, f"{channel} entry of {slug}")
                    db.session.commit()
                    month = format_date(stored.period, "MMMM y")
                    flash(_("The paper questionnaire for %(month)s has been saved.", month=month)
                          if channel == "paper" else
                          _("The interview notes for %(month)s have been saved.", month=month))
                    return redirect(url_for("hr.response", response_id=stored.id))
        else:
            abort(400)
    title, questions = steps[step]
    shown = set(_field_names(questions))
    # Everything entered on the other pages travels on, as typed.
    carried = [(name, value) for name in request.form if name not in shown | {"csrf_token", "step", "action",
                                                                                 "checked", "entry"}
               for value in request.form.getlist(name)] if request.method == "POST" else []
    fields = [(q, None) if isinstance(q, str) else (q, _params(q, form)) for q in questions]
    errors = [{"text": form[name].errors[0], "href": f"#{form[name].id}"}
              for name in _field_names(questions) if failed and form[name].errors]
    return render_template("hr/paper_entry.html", form=form, definition=definition, heading=ENTRY_CHANNELS[channel],
                           channel=channel, problems=problems, errors=errors, step=step, steps=steps, title=title,
                           fields=fields, carried=carried, last=last, entry=entry,
                           summary=_entry_summary(definition, form, steps) if step == last else [],
                           checked=request.form.get("checked") == "1" or step == last), \
        (400 if failed else 200)
