"""Realistic demo answers, written through the same code path as real submissions.

Reasons lean the way councils report them: newer staff cite caseload, supervision and training;
longer-serving staff cite management, restructures and retirement. Nothing here is real data.
"""

from __future__ import annotations

import random
from datetime import date

import pandas as pd

from .extensions import db
from .questionnaires import current_instrument, definition_of
from .submissions import store_response

PHRASES: dict[str, list[str]] = {
    "caseload": [
        "My caseload went above thirty children and never came down.",
        "The workload was unmanageable, with court work on top of a full caseload.",
        "I was holding too many cases to do meaningful direct work with families.",
    ],
    "supervision": [
        "Supervision was cancelled again and again, and when it happened it was only case management.",
        "I had four different managers in a year and no reflective supervision.",
        "I did not feel supported by my team manager when things went wrong.",
    ],
    "management": [
        "Senior leadership kept changing and nobody explained the direction.",
        "There was no consistency from senior managers; every new head of service started again.",
    ],
    "pay": [
        "A neighbouring council pays more and offers a market supplement.",
        "Agency rates are far higher for the same work, and the pay here has not kept up.",
    ],
    "career": [
        "There was no route to senior practitioner without waiting for someone to leave.",
        "I am going for a promotion I could not get here.",
    ],
    "training": [
        "The ASYE programme was good but there was no protected time for training after it.",
        "I wanted to train as a practice educator but was never released for it.",
    ],
    "restructure": [
        "The restructure moved me to a different team with no consultation.",
        "Constant reorganisation has worn everyone down.",
    ],
    "valued": [
        "I never felt listened to or valued by the organisation.",
        "Nobody noticed the extra hours or thanked the team.",
    ],
    "admin": [
        "Recording takes longer than seeing families, and the case system crashes.",
        "Too much paperwork and duplicate forms.",
    ],
    "environment": [
        "Hot-desking meant I could never find a desk or a private room to call families.",
        "The laptop was too slow to use on visits.",
    ],
    "flexibility": [
        "I asked to work compressed hours and it was refused.",
        "There is no work-life balance; evenings are spent catching up on recording.",
    ],
    "wellbeing": [
        "I was burnt out and signed off with stress.",
        "After a frightening home visit nobody checked I was safe.",
    ],
    "team": [
        "My colleagues were brilliant and the only reason I stayed this long.",
        "There was a culture of blame in the team.",
    ],
    "job_security": [
        "My fixed-term contract was not renewed until the last week.",
        "So many agency workers come and go that the permanent staff carry the load.",
    ],
    "location": [
        "The commute across the county takes two hours a day.",
        "I cannot afford to live near the office any more.",
    ],
    "personal": [
        "We are moving to be closer to family.",
        "I am caring for a parent and need to step back.",
    ],
    "retirement": ["I am retiring after a long career.", "It is time to retire."],
    "practice": [
        "The practice model is good on paper but there is no time to use it.",
        "I want to work somewhere with a stronger learning culture.",
    ],
}
STAYED = [
    "A smaller caseload and regular supervision would have kept me.",
    "Being able to work flexibly around my children.",
    "A clear progression route and recognition of experience.",
    "Honest communication from senior managers.",
    "A market supplement in line with neighbouring councils.",
]
WORKED_WELL = [
    "The team around me and our duty system.",
    "Training through the ASYE year was well organised.",
    "My team manager was supportive and available.",
    "Group supervision helped me reflect.",
]
IMPROVE = [
    "Cap caseloads and protect supervision time.",
    "Fix the case recording system.",
    "Give social workers private rooms for calls.",
    "Listen to front-line staff before restructuring.",
]

BAND_REASONS = {
    "under_1": ["caseload", "supervision", "training", "wellbeing", "practice"],
    "1_to_2": ["caseload", "supervision", "pay", "career", "wellbeing"],
    "2_to_5": ["pay", "career", "caseload", "flexibility", "management"],
    "5_to_10": ["management", "restructure", "valued", "flexibility", "location"],
    "10_plus": ["retirement", "management", "restructure", "valued", "personal"],
}


def last_quarters_months(today: date, quarters: int = 8) -> list[str]:
    """The ``YYYY-MM`` months of the last ``quarters`` financial quarters, up to this month."""
    from analysis.periods import Quarter

    months = [m for q in Quarter.of(today).last_n(quarters) for m in q.months()]
    return [str(m) for m in months if m <= pd.Period(today, freq="M")]


def seed_demo(responses: int, seed: int, today: date | None = None) -> int:
    """Add ``responses`` demo exit questionnaires; returns how many were stored."""
    rng = random.Random(seed)
    today = today or date.today()
    instrument = current_instrument("exit")
    if instrument is None:
        raise RuntimeError("The exit questionnaire is not installed.")
    definition = definition_of(instrument)
    months = last_quarters_months(today)
    bands = ["under_1", "1_to_2", "2_to_5", "5_to_10", "10_plus"]
    for _ in range(responses):
        band = rng.choices(bands, weights=[22, 26, 24, 16, 12])[0]
        reasons = sorted(set(rng.sample(BAND_REASONS[band], k=rng.randint(1, 3))
                             + ([rng.choice(list(PHRASES))] if rng.random() < 0.3 else [])))
        text = " ".join(rng.choice(PHRASES[r]) for r in reasons[:2])
        role = ("asye" if band == "under_1" and rng.random() < 0.6
                else rng.choices(["social_worker", "senior_practitioner", "team_manager", "service_manager", "other"],
                                 weights=[55, 20, 12, 5, 8])[0])
        answers = {
            "role": role,
            "employment_type": rng.choices(["permanent", "temporary", "agency"], weights=[80, 8, 12])[0],
            "service_area": rng.choice(["front_door", "assessment", "child_protection", "looked_after",
                                        "care_leavers", "fostering_adoption", "disabled_children", "early_help"]),
            "length_of_service": band,
            "years_qualified": band if rng.random() < 0.5 else rng.choice(bands[bands.index(band):]),
            "leaving_month": rng.choice(months),
            "main_reasons": reasons,
            "reasons_text": text,
            "would_have_stayed": rng.choice(STAYED) if rng.random() < 0.8 else "",
            "worked_well": rng.choice(WORKED_WELL) if rng.random() < 0.6 else "",
            "improve": rng.choice(IMPROVE) if rng.random() < 0.6 else "",
            "destination": rng.choice(["another_council", "agency_work", "promotion_elsewhere", "other_sector",
                                       "leaving_social_work", "study_or_break", "prefer_not_to_say"]
                                      + (["retirement"] * 3 if band == "10_plus" else [])),
            "recommend": rng.choice(["yes", "maybe", "no"]),
            "consider_returning": rng.choice(["yes", "maybe", "no"]),
        }
        for q in definition.questions:
            if q.role and q.role.startswith("rating."):
                low = q.role.split(".")[1] in reasons
                answers[q.key] = str(rng.choice([1, 2, 2, 3]) if low else rng.choice([2, 3, 4, 4, 5]))
            elif q.role and q.role.startswith("equality.") and rng.random() < 0.7:
                answers[q.key] = rng.choice([v for v, _ in q.choices()])
        store_response(instrument, definition, answers, channel=rng.choices(
            ["online", "paper", "interview"], weights=[85, 5, 10])[0], today=today)
    seed_demo_headcounts(rng, leavers_per_year=responses / 2, today=today)
    seed_demo_actions(rng, today)
    db.session.commit()
    return responses


# What an HR team might record doing about what leavers said, by theme, for "You said, we did".
DEMO_ACTIONS = {
    "caseload": ["Caseloads in the assessment teams are now capped at 18 children, reviewed monthly.",
                 "Two agency posts in child protection were made permanent to share out new cases."],
    "supervision": ["Every social worker now has supervision booked monthly for the year ahead.",
                    "Team managers were trained in reflective supervision."],
    "pay": ["A market supplement was agreed for experienced social workers in hard-to-fill teams.",
            "Progression from social worker to senior practitioner now follows published criteria."],
    "admin": ["Business support officers now take minutes of core groups and strategy meetings."],
    "flexibility": ["Staff can now ask for compressed hours; requests are answered within four weeks."],
    "management": ["Heads of service now hold a monthly open session with each team."],
}


def seed_demo_actions(rng: random.Random, today: date) -> int:
    """Two action notes naming a theme in each of the last four whole quarters, on demo responses,
    so that a demo report can show "You said, we did" once HR approves them."""
    from datetime import datetime, time, timedelta

    from analysis.periods import Quarter

    from .models import ActionNote, Response, default_organisation

    org = default_organisation()
    responses = list(db.session.execute(
        db.select(Response.id).where(Response.organisation_id == org.id).order_by(Response.id)).scalars())
    if not responses:
        return 0
    added = 0
    for quarter in Quarter.of(today).previous().last_n(4):
        for theme in rng.sample(sorted(DEMO_ACTIONS), k=2):
            day = quarter.start + timedelta(days=rng.randrange((quarter.end - quarter.start).days + 1))
            db.session.add(ActionNote(organisation_id=org.id, response_id=rng.choice(responses),
                                      written_at=datetime.combine(day, time(10)), theme_id=theme,
                                      text=rng.choice(DEMO_ACTIONS[theme])))
            added += 1
    return added


def seed_demo_headcounts(rng: random.Random, leavers_per_year: float, today: date) -> int:
    """Staff in post at the end of each of the last nine quarters, sized so that the demo's leavers
    are a turnover of about 18 % a year (English councils' children's social workers run at 15 to
    20 %), with vacancies and agency workers, so that reports show turnover, vacancy and agency
    rates. Quarters that already have figures keep them; returns how many rows were added."""
    from analysis.periods import Quarter

    from .models import Headcount, default_organisation

    org = default_organisation()
    have = set(db.session.execute(db.select(Headcount.quarter).where(Headcount.organisation_id == org.id)).scalars())
    staff = max(20, round(leavers_per_year / 0.18))
    added = 0
    for quarter in Quarter.of(today).last_n(9):
        staff = max(20, staff + rng.randint(-staff // 40, staff // 40))
        if quarter.label in have:
            continue
        db.session.add(Headcount(organisation_id=org.id, quarter=quarter.label, headcount=staff,
                                 fte=round(staff * rng.uniform(0.90, 0.95), 1),
                                 vacancies=round(staff * rng.uniform(0.10, 0.18)),
                                 agency_workers=round(staff * rng.uniform(0.12, 0.20))))
        added += 1
    return added
