"""Forms for signing in, the second factor and setting a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from .accounts import MIN_PASSWORD_LENGTH


class SignInForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter your email address"), Length(max=320)])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter your password"), Length(max=1000)])
    # Shown after a refused attempt: with it, the owner of a throttled account still signs in.
    code = StringField("Security code from your authenticator app, if you use one", widget=GovTextInput(),
                       validators=[Optional(), Length(max=20)])


class CodeForm(FlaskForm):
    code = StringField("Security code", widget=GovTextInput(),
                       validators=[InputRequired(message="Enter the 6-digit code from your authenticator app"),
                                   Length(max=20, message="Enter the 6-digit code from your authenticator app")])


class ReplaceCodeForm(CodeForm):
    """Setting up a new authenticator when one is already set up: the current one must agree, so
    somebody who finds a signed-in screen cannot move the second factor to their own phone."""

    current_code = StringField("Security code from the app you use now", widget=GovTextInput(),
                               validators=[InputRequired(message="Enter the 6-digit code from the app you use now"),
                                           Length(max=20, message="Enter the 6-digit code from the app you use now")])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password"),
                    Length(min=MIN_PASSWORD_LENGTH, max=1000,
                           message=f"Your password must be at least {MIN_PASSWORD_LENGTH} characters long")])
    confirm = PasswordField(
        "Confirm new password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter the new password again"),
                    EqualTo("password", message="The passwords do not match")])


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""
