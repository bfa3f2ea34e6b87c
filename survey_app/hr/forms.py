"""HR forms: queue filters, notes, paper entry (built from the questionnaire), focus groups."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import ChoiceSelectField, build_field
from ..instruments import Definition, month_choices
from ..models import FOLLOW_UP_STATUSES

NOTE_LIMIT = 5000


class DayMonthYearInput(GovDateInput):
    """GOV.UK date input that also renders a submitted form where the date was left out.

    The base widget expects exactly three submitted values (day, month, year) and fails otherwise.
    """

    def map_gov_params(self, field, **kwargs):  # noqa: ANN001, ANN201 - widget hook
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None
        params = super().map_gov_params(field, **kwargs)
        # The base widget names its three boxes in English only.
        for item, label in zip(params.get("items", []), (_l("Day"), _l("Month"), _l("Year")), strict=False):
            item["label"] = label
        return params


class QueueFilterForm(FlaskForm):
    """Filters on the review queue. Read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    instrument = SelectField(_l("Questionnaire"), widget=GovSelect(), validators=[Optional()], validate_choice=False)
    quarter = SelectField(_l("Financial quarter"), widget=GovSelect(), validators=[Optional()], validate_choice=False)
    role = SelectField(_l("Role"), widget=GovSelect(), validators=[Optional()], validate_choice=False)
    service_area = SelectField(_l("Service area"), widget=GovSelect(), validators=[Optional()], validate_choice=False)
    length_of_service = SelectField(_l("Length of service"), widget=GovSelect(), validators=[Optional()],
                                    validate_choice=False)
    status = SelectField(_l("Status"), widget=GovSelect(), validators=[Optional()], validate_choice=False,
                         choices=[("", _l("All")), ("unreviewed", _l("Not reviewed")), ("reviewed", _l("Reviewed"))])
    theme = SelectField(_l("Theme"), widget=GovSelect(), validators=[Optional()], validate_choice=False)
    channel = SelectField(_l("How it came in"), widget=GovSelect(), validators=[Optional()], validate_choice=False)


class ActionNoteForm(FlaskForm):
    text = TextAreaField(
        _l("What was done about this, and by whom?"), widget=GovCharacterCount(),
        validators=[InputRequired(message=_l("Enter what was done")),
                    Length(max=NOTE_LIMIT, message=_l("The note must be %(limit)s characters or fewer",
                                                      limit=f"{NOTE_LIMIT:,}"))])
    # Choices are the organisation's taxonomy, set by the view; "" is "no single theme".
    theme = SelectField(_l("Which theme does this action address? (optional)"), widget=GovSelect(),
                        validators=[Optional()], choices=[("", _l("No single theme"))])


def paper_form_class(definition: Definition, today: date, language: str = "en") -> type[FlaskForm]:
    """A form with the month of leaving first, then every question, built by ``forms.build_field``.

    The questionnaire's own month-of-leaving question is left out: the period field answers it.
    """
    exit_kind = definition.kind == "exit"
    label = _l("Month of leaving") if exit_kind else _l("Month the questionnaire was completed")
    missing = _l("Select the month of leaving") if exit_kind else _l("Select the month the questionnaire was completed")
    fields = {
        "period_month": ChoiceSelectField(
            label, choices=[("", _l("Select a month")), *month_choices(today, back=72, ahead=3, language=language)],
            widget=GovSelect(), validators=[InputRequired(message=missing)],
            validate_choice=False),
    }
    for question in definition.questions:
        if question.role != "leaving_month":
            fields[question.key] = build_field(question, today)
    return type("PaperEntryForm", (FlaskForm,), fields)


def _not_in_future(form: FlaskForm, field: DateField) -> None:
    if field.data and field.data > date.today():
        raise ValidationError(_l("The date of the session must be today or in the past"))


class FocusGroupForm(FlaskForm):
    held_on = DateField(_l("Date of the session"), format="%d %m %Y", widget=DayMonthYearInput(),
                        validators=[InputRequired(message=_l("Enter the date of the session as day, month and year")),
                                    _not_in_future])
    facilitator = StringField(_l("Facilitator"), widget=GovTextInput(),
                              validators=[InputRequired(message=_l("Enter who facilitated the session")),
                                          Length(max=200, message=_l("This must be 200 characters or fewer"))])
    participants = IntegerField(_l("Number of participants"), widget=GovTextInput(),
                                validators=[InputRequired(message=_l("Enter how many people took part, as a number")),
                                            NumberRange(min=1, max=500,
                                                        message=_l("Enter a number of participants from 1 to 500"))])
    service_areas = SelectMultipleField(_l("Service areas represented"), widget=GovCheckboxesInput(),
                                        validators=[Optional()], validate_choice=False)
    prompts = SelectMultipleField(_l("Prompts used"), widget=GovCheckboxesInput(),
                                  validators=[InputRequired(message=_l("Select at least one prompt"))],
                                  validate_choice=False)


def remarks_form_class(definition: Definition, prompt_keys: list[str]) -> type[FlaskForm]:
    """A textarea per prompt used; each line typed or pasted becomes one remark."""
    fields = {}
    for key in prompt_keys:
        question = definition.question(key)
        fields[key] = TextAreaField(question.text, widget=GovTextArea(), validators=[
            Optional(), Length(max=question.max_length * 10, message=_l("Save these remarks in smaller batches"))])
    return type("RemarksForm", (FlaskForm,), fields)


class RemarkForm(FlaskForm):
    text = TextAreaField(_l("Remark"), widget=GovTextArea(),
                         validators=[InputRequired(message=_l("Enter the remark, or remove it instead")),
                                     Length(max=20000, message=_l("The remark must be 20,000 characters or fewer"))])


STATUS_NAMES = {"new": _l("New"), "contacted": _l("Contacted"), "done": _l("Done"), "declined": _l("Declined")}


class FollowUpForm(FlaskForm):
    status = RadioField(_l("Status"), widget=GovRadioInput(),
                        choices=[(s, STATUS_NAMES[s]) for s in FOLLOW_UP_STATUSES],
                        validators=[InputRequired(message=_l("Select a status"))])
    notes = TextAreaField(_l("Notes (optional)"), widget=GovCharacterCount(),
                          validators=[Optional(), Length(max=NOTE_LIMIT,
                                                         message=_l("Notes must be %(limit)s characters or fewer",
                                                                    limit=f"{NOTE_LIMIT:,}"))])


class ExportForm(FlaskForm):
    dataset = RadioField(_l("What to export"), widget=GovRadioInput(), default="responses",
                         choices=[("responses", _l("Responses: one row per response, one column per question")),
                                  ("comments", _l("Comments: one row per free-text answer or focus-group remark"))],
                         validators=[InputRequired(message=_l("Select what to export"))])
    instrument = SelectField(_l("Questionnaire (responses only)"), widget=GovSelect(), validate_choice=False,
                             validators=[Optional()])
    quarter = SelectField(_l("Financial quarter"), widget=GovSelect(), validate_choice=False, validators=[Optional()])
    answers = RadioField(_l("Answers to choice questions as"), widget=GovRadioInput(), default="labels",
                         choices=[("labels", _l("The words people chose, for example “Social worker”")),
                                  ("codes", _l("Codes, for example “social_worker” (the data dictionary gives both)"))],
                         validators=[Optional()])  # left out: the words, as for a person reading
    file_format = RadioField(_l("File format"), widget=GovRadioInput(), default="xlsx",
                             choices=[("xlsx", _l("Excel workbook (XLSX) with a data dictionary sheet")),
                                      ("csv", _l("CSV (UTF-8), one header row of column names"))],
                             validators=[InputRequired(message=_l("Select a file format"))])
