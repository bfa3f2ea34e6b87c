"""Operator commands: invitation codes and demo data."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from survey_app.codes import hash_code
from survey_app.demo import last_quarters_months
from survey_app.extensions import db
from survey_app.models import Comment, InvitationCode, Response


def test_issuing_codes_writes_them_once_and_stores_only_hashes(runner, tmp_path):
    out = tmp_path / "codes.csv"
    result = runner.invoke(args=["codes", "issue", "--instrument", "staff-survey", "--count", "25", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open() as fh:
        codes = [row["code"] for row in csv.DictReader(fh)]
    assert len(codes) == len(set(codes)) == 25
    stored = db.session.execute(sa.select(InvitationCode)).scalars().all()
    assert {row.code_hash for row in stored} == {hash_code(c) for c in codes}
    assert not any(c in {row.code_hash for row in stored} for c in codes)


def test_issuing_codes_never_overwrites_a_file(runner, tmp_path):
    out = tmp_path / "codes.csv"
    out.write_text("keep me")
    result = runner.invoke(args=["codes", "issue", "--instrument", "staff-survey", "--count", "2", "--out", str(out)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert out.read_text() == "keep me"
    assert db.session.execute(sa.select(InvitationCode)).first() is None


def test_codes_for_an_unknown_instrument_are_refused(runner, tmp_path):
    result = runner.invoke(args=["codes", "issue", "--instrument", "poll", "--count", "2", "--out",
                                 str(tmp_path / "c.csv")])
    assert result.exit_code != 0 and "no instrument called 'poll'" in result.output


def test_demo_seed_spreads_realistic_answers_over_eight_quarters(runner):
    result = runner.invoke(args=["demo", "seed", "--responses", "120", "--seed", "7"])
    assert result.exit_code == 0, result.output
    responses = db.session.execute(sa.select(Response)).scalars().all()
    assert len(responses) == 120
    months = {r.period.strftime("%Y-%m") for r in responses}
    from datetime import date

    assert months <= set(last_quarters_months(date.today()))
    assert len(months) > 12
    assert db.session.execute(sa.select(sa.func.count()).select_from(Comment)).scalar() > 120
    again = runner.invoke(args=["demo", "seed", "--responses", "5", "--if-empty"])
    assert "already present" in again.output
    assert db.session.execute(sa.select(sa.func.count()).select_from(Response)).scalar() == 120


def test_eight_financial_quarters_start_in_the_right_month():
    from datetime import date

    months = last_quarters_months(date(2026, 11, 23))
    assert months[0] == "2025-01" and months[-1] == "2026-11"  # 2024/25 Q4 to 2026/27 Q3
    months = last_quarters_months(date(2026, 4, 1))
    assert months[0] == "2024-07" and months[-1] == "2026-04"


def test_demo_data_come_with_headcounts_so_reports_show_turnover(runner):
    from datetime import date

    from analysis.periods import Quarter
    from survey_app.models import Headcount
    from survey_app.reports.service import build_report_data

    assert runner.invoke(args=["demo", "seed", "--responses", "160", "--seed", "3"]).exit_code == 0
    rows = db.session.execute(sa.select(Headcount)).scalars().all()
    quarters = [q.label for q in Quarter.of(date.today()).last_n(9)]
    assert sorted(r.quarter for r in rows) == sorted(quarters)
    assert all(r.vacancies and r.agency_workers and r.fte < r.headcount for r in rows)
    last_full = Quarter.of(date.today()).previous().label
    report = build_report_data("quarterly", last_full)
    turnover = next(s for s in report["sections"] if s["id"] == "turnover")
    values = {row["id"]: row["values"][0] for table in turnover["tables"] for row in table["rows"]}
    assert isinstance(values["vacancy_rate"], float) and isinstance(values["agency_rate"], float)
    assert isinstance(values["cipd_rate"], float) and 1 < values["cipd_rate"] < 15  # a quarter of ~18 % a year


def test_demo_seed_creates_one_account_per_role_in_development_only(runner, app, client):
    import re

    from .support import sign_in

    refused = runner.invoke(args=["demo", "seed", "--responses", "5", "--accounts"])
    assert refused.exit_code != 0 and "only created with EXITVOICE_ENV=development" in refused.output
    app.config["ENVIRONMENT"] = "development"
    try:
        result = runner.invoke(args=["demo", "seed", "--responses", "5", "--accounts", "--themes"])
    finally:
        app.config["ENVIRONMENT"] = "testing"
    assert result.exit_code == 0, result.output
    assert "Themes run:" in result.output
    accounts = dict(re.findall(r"^\s+\w+\s+(\S+@demo\.example)\s+(\S+)$", result.output, re.M))
    assert sorted(accounts) == ["admin@demo.example", "hr@demo.example", "standards@demo.example"]
    signed = sign_in(client, "hr@demo.example", accounts["hr@demo.example"])
    assert signed.status_code == 302 and signed.headers["Location"] == "/hr/overview"


@pytest.mark.parametrize("languages", [("en",), ("cy", "en")])
def test_a_command_can_render_a_template_outside_any_request(app, languages):
    # Commands (a scheduled job, an operator's script) run in the app context only: the page
    # context (navigation, language switch) must not need a request, and the text is English.
    from flask import has_request_context, render_template_string

    app.config["LANGUAGES"] = languages
    try:
        assert not has_request_context()
        out = render_template_string("{{ current_language }}|{{ language_switch|length }}|"
                                     "{{ navigation_items is defined }}|{{ role_names['hr'] }}")
    finally:
        app.config["LANGUAGES"] = ("en",)
    assert out == "en|0|False|HR"
