"""The sections of the quarterly and annual reports, one module per section or close group.

Which module builds which section (section ids in brackets); the order they appear in the report
is the list in :func:`analysis.reports.quarterly._build`.

- :mod:`.glance` - At a glance (``at_a_glance``)
- :mod:`.you_said_we_did` - You said, we did (``you_said_we_did``)
- :mod:`.exit_responses` - Responses (``responses``)
- :mod:`.themes` - themes ranked (``themes``), their trend (``trend``), emerging themes
  (``emerging``) and quotes (``quotes``)
- :mod:`.answers` - the other questions answered in words (``other_answers``) and focus groups
  (``focus_groups``)
- :mod:`.breakdowns` - themes by group (``themes_by_<dimension>``, one section per grouping) and
  destinations (``destinations``)
- :mod:`.ratings` - ratings by area (``ratings``) and staff surveys (``staff_survey``)
- :mod:`.equality` - Equality monitoring (``equality``)
- :mod:`.turnover` - Turnover (``turnover``)
- :mod:`.method` - How these figures are produced (``method``)

What they share: a section is built from the prepared inputs, the report's
:class:`~analysis.reports.base.PeriodView` and its :class:`~analysis.reports.common.PublishedFigures`,
and reads every count through ``PublishedFigures.get``: a count it prints is the published one
(decided by the period's ledger, see ``docs/disclosure.md``) and is recorded for the report's audit.
Summaries and sentences are built from those published figures only. Each module's docstring says
what its sections show and what they guarantee.
"""
