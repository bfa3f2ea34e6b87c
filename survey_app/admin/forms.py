"""Admin forms: invite a user, change a role, settings, survey windows, audit filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from ..hr.forms import DayMonthYearInput
from ..models import ROLE_NAMES

EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.org")
ROLE_CHOICES = [
    ("hr", _l("HR: reviews responses, records actions, focus groups, follow-ups and exports")),
    ("standards", _l("Employer Standards group: reads published reports only")),
    ("admin", _l("Admin: users, settings, survey windows and the audit log; sees no answers")),
]
assert {value for value, _ in ROLE_CHOICES} == set(ROLE_NAMES)


class InviteForm(FlaskForm):
    email = StringField(_l("Email address"), widget=GovTextInput(),
                        validators=[InputRequired(message=_l("Enter the person's email address")),
                                    Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=EMAIL_FORMAT),
                                    Length(max=320)])
    role = RadioField(_l("Role"), choices=ROLE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message=_l("Select a role"))])


class RoleForm(FlaskForm):
    role = RadioField(_l("Role"), choices=ROLE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message=_l("Select a role"))])


class SettingsForm(FlaskForm):
    require_two_factor = BooleanField(_l("Every account must use a security code from an authenticator app"),
                                      widget=GovCheckboxInput())


class SurveyWindowForm(FlaskForm):
    opens_on = DateField(_l("Opens on (optional)"), format="%d %m %Y", widget=DayMonthYearInput(),
                         validators=[Optional()])
    closes_on = DateField(_l("Closes on (optional)"), format="%d %m %Y", widget=DayMonthYearInput(),
                          validators=[Optional()])

    def validate_closes_on(self, field: DateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date must be the same as or after the opening date"))


class AuditFilterForm(FlaskForm):
    """Audit filters come from the query string: no CSRF token."""

    class Meta:
        csrf = False

    actor = StringField(_l("Who (email contains)"), widget=GovTextInput(), validators=[Optional(), Length(max=320)])
    action = SelectField(_l("Action"), widget=GovSelect(), validate_choice=False, validators=[Optional()])
    record_type = SelectField(_l("Record"), widget=GovSelect(), validate_choice=False, validators=[Optional()])
    date_from = DateField(_l("From"), format="%Y-%m-%d", widget=GovTextInput(), validators=[Optional()])
    date_to = DateField(_l("To"), format="%Y-%m-%d", widget=GovTextInput(), validators=[Optional()])

    def validate_date_from(self, field) -> None:
        _within_audit_years(field)

    def validate_date_to(self, field) -> None:
        _within_audit_years(field)


def _within_audit_years(field) -> None:
    if field.data and not 2000 <= field.data.year <= 2099:
        raise ValidationError(_l("%(field)s must be a date between 1 January 2000 and 31 December 2099",
                                 field=field.label.text))
