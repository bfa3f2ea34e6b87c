"""Forms for signing in, the second factor, setting a password and choosing a language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, RadioField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, ValidationError

from ..i18n import NATIVE_NAMES
from .accounts import MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    email = StringField(_l("Email address"), widget=GovTextInput(),
                        validators=[InputRequired(message=_l("Enter your email address")), Length(max=320)])
    password = PasswordField(_l("Password"), widget=GovPasswordInput(),
                             validators=[InputRequired(message=_l("Enter your password")), Length(max=1000)])
    # Shown after a refused attempt: with it, the owner of a throttled account still signs in.
    code = StringField(_l("Security code from your authenticator app, if you use one"), widget=GovTextInput(),
                       validators=[Optional(), Length(max=20)])


class CodeForm(FlaskForm):
    code = StringField(_l("Security code"), widget=GovTextInput(),
                       validators=[InputRequired(message=_l("Enter the 6-digit code from your authenticator app")),
                                   Length(max=20, message=_l("Enter the 6-digit code from your authenticator app"))])


CURRENT_CODE_MISSING = _l("Enter the 6-digit code from the app you use now")


class ReplaceCodeForm(CodeForm):
    """Setting up a new authenticator when one is already set up: the current one must agree, so
    somebody who finds a signed-in screen cannot move the second factor to their own phone."""

    current_code = StringField(_l("Security code from the app you use now"), widget=GovTextInput(),
                               validators=[InputRequired(message=CURRENT_CODE_MISSING),
                                           Length(max=20, message=CURRENT_CODE_MISSING)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), widget=GovPasswordInput(),
        validators=[InputRequired(message=_l("Enter a new password")),
                    Length(min=MIN_PASSWORD_LENGTH, max=1000,
                           message=_l("Your password must be at least %(length)s characters long",
                                      length=MIN_PASSWORD_LENGTH))])
    confirm = PasswordField(
        _l("Confirm new password"), widget=GovPasswordInput(),
        validators=[InputRequired(message=_l("Enter the new password again")),
                    EqualTo("password", message=_l("The passwords do not match"))])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


class LanguageForm(FlaskForm):
    """The language a member of staff reads the staff pages in: one of the council's languages."""

    # Each language is named in itself, so a person who cannot read the page can still find theirs.
    language = RadioField("Language / Iaith", validate_choice=False,
                          validators=[InputRequired(message=_l("Select the language you want to use"))])

    def __init__(self, offered: tuple[str, ...], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [(code, NATIVE_NAMES[code]) for code in offered]

    def validate_language(self, field: RadioField) -> None:
        if field.data not in {code for code, _ in field.choices}:
            raise ValidationError(_l("Select Cymraeg or English"))
