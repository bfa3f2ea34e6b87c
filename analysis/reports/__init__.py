"""Report builders: pure functions from the analysis frames to JSON-able report data.

- :func:`build_quarterly_report` - the quarterly theme report
- :func:`build_annual_report` - the same content over a financial year
- :func:`build_length_of_service_report` - who leaves, by length of service

Every count passes through :mod:`analysis.disclosure` before it reaches a report.
"""

from analysis.reports.length_of_service import build_length_of_service_report
from analysis.reports.quarterly import build_annual_report, build_quarterly_report

__all__ = ["build_annual_report", "build_length_of_service_report", "build_quarterly_report"]
