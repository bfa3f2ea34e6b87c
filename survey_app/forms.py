"""The one place that turns questionnaire questions into WTForms fields (GOV.UK widgets)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
)
from wtforms import Field, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from .instruments import Page, Question
from .submissions import typed_length


class _ChoiceCheck:
    """Refuse any value that was not offered, with a message a person can act on."""

    def pre_validate(self, form: Any) -> None:  # noqa: D401 - WTForms hook
        offered = {str(value) for value, _label in self.choices}  # type: ignore[attr-defined]
        data = self.data  # type: ignore[attr-defined]
        values = data if isinstance(data, list) else ([] if data in (None, "") else [data])
        if any(str(v) not in offered for v in values):
            raise ValidationError(_("Select one of the answers shown"))


class ChoiceRadioField(_ChoiceCheck, RadioField):
    pass


class ChoiceSelectField(_ChoiceCheck, SelectField):
    pass


class ChoiceCheckboxField(_ChoiceCheck, SelectMultipleField):
    pass


def _label(question: Question) -> str:
    return question.text if question.required else _("%(question)s (optional)", question=question.text)


def build_field(question: Question, today: date | None = None) -> Field:
    """An unbound WTForms field for one question, validated as its type requires."""
    label = _label(question)
    required = [InputRequired(message=_required_message(question))] if question.required else [Optional()]
    choices = list(question.choices(today))
    if question.type in ("single_choice", "likert", "service_band"):
        return ChoiceRadioField(label, choices=choices, validators=required, widget=GovRadioInput(),
                                validate_choice=False)
    if question.type == "multiple_choice":
        return ChoiceCheckboxField(label, choices=choices, validators=required,
                                   widget=GovCheckboxesInput(), validate_choice=False)
    if question.type == "month":
        return ChoiceSelectField(label, choices=[("", _("Select a month"))] + choices, validators=required,
                                 widget=GovSelect(), validate_choice=False)
    limit = question.max_length
    return TextAreaField(
        label,
        validators=required + [TypedLength(limit, _("Your answer must be %(limit)s characters or fewer",
                                                    limit=format_decimal(limit)))],
        widget=GovCharacterCount(),
    )


class TypedLength:
    """At most ``limit`` characters as the person typed them: a line break counts once, as in the
    character count they saw, although browsers send it as two (CR LF)."""

    def __init__(self, limit: int, message: str) -> None:
        self.limit = limit
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and typed_length(field.data) > self.limit:
            raise ValidationError(self.message)


def _required_message(question: Question) -> str:
    if question.type == "free_text":
        return _("Enter your answer to ‘%(question)s’", question=question.text)
    return _("Select your answer to ‘%(question)s’", question=question.text)


def answers_from_form(questions: Iterable[Question], form: FlaskForm) -> dict[str, Any]:
    """The answers a submitted form holds, keyed by question: lists for multiple choice, else a
    value or None."""
    out: dict[str, Any] = {}
    for q in questions:
        value = form[q.key].data
        if q.type == "multiple_choice":
            out[q.key] = list(value or [])
        else:
            out[q.key] = value if value not in (None, "") else None
    return out


def answer_text(question: Question, value: Any, not_answered: str) -> str:
    """An answer as words: option labels (joined for several), free text as typed, or
    ``not_answered``."""
    if value in (None, "", []):
        return not_answered
    if isinstance(value, list):
        return "; ".join(question.label_for(v) for v in value)
    if question.type == "free_text":
        return value
    return question.label_for(str(value))


def page_form_class(page: Page, today: date | None = None) -> type[FlaskForm]:
    """A FlaskForm class (CSRF included) with one field per question on the page."""
    fields = {q.key: build_field(q, today) for q in page.questions}
    return type(f"PageForm_{page.id.replace('-', '_')}", (FlaskForm,), fields)


def field_params(question: Question, single: bool) -> dict[str, Any]:
    """GOV.UK macro parameters for a question's field: legend or label, hint, character limit.

    The question text is always given here: govuk-frontend-wtf only fills in the legend when no
    fieldset parameters are passed, and only shows a hint from a non-empty field description.
    """
    label = _label(question)
    params: dict[str, Any] = {"hint": {"text": question.hint} if question.hint else None}
    if question.type in ("free_text", "month"):
        size = "govuk-label--l" if single else "govuk-label--m"
        params["label"] = {"text": label, "classes": size, "isPageHeading": single}
        if question.type == "free_text":
            params.update({"maxlength": question.max_length, "rows": 6, **character_count_text()})
        return params
    size = "govuk-fieldset__legend--l" if single else "govuk-fieldset__legend--m"
    params["fieldset"] = {"legend": {"text": label, "classes": size, "isPageHeading": single}}
    if question.inline:
        params["classes"] = "govuk-radios--inline"
    if question.type == "likert":
        params["classes"] = "govuk-radios--small"
    if question.type == "multiple_choice":
        params["classes"] = "govuk-checkboxes--small"
    return params


def character_count_text() -> dict[str, Any]:
    """The character count's messages in the page's language (govuk-frontend writes English
    unless told otherwise). Every plural form is given: Welsh has six, and a noun after a number
    stays singular, so one wording serves them all."""
    forms = ("zero", "one", "two", "few", "many", "other")

    def every(text: str) -> dict[str, str]:
        return dict.fromkeys(forms, text)

    return {
        "textareaDescriptionText": _("You can enter up to %{count} characters"),
        "charactersUnderLimitText": every(_("You have %{count} characters remaining")),
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": every(_("You have %{count} characters too many")),
    }


def wtforms_errors(form: FlaskForm, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The error summary's parameters for a form (govuk-frontend-wtf's helper), titled in the
    page's language unless the page gives its own title: the helper's default is English."""
    from govuk_frontend_wtf.main import wtforms_errors as summary_of

    return summary_of(form, {"titleText": _("There is a problem"), **(params or {})})
