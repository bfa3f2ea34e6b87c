"""Gunicorn settings for production (``gunicorn -c gunicorn.conf.py wsgi:app``).

The access log holds the method, the path and the status only. It leaves out the client address
(%(h)s) and the time, so respondent routes do not record who sent what, and when; the response
size and duration, which could pair a log line with the answers it carried; the query string;
and secrets in paths: a password-setting link is logged as ``/set-password/[token]``, so whoever
reads the log cannot use it.
"""

import logging
import multiprocessing
import os
import re
import threading
import time

from gunicorn.glogging import Logger

# Paths whose last part is a secret: (pattern, what is logged instead).
SECRET_PATHS = [(re.compile(r"^/set-password/[^/]*"), "/set-password/[token]")]


class RedactingLogger(Logger):
    """Gunicorn's logger, with secrets in paths replaced before any access line is written."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for pattern, replacement in SECRET_PATHS:
            atoms["U"] = pattern.sub(replacement, atoms["U"])
        return atoms


bind = os.environ.get("EXITVOICE_BIND", "127.0.0.1:8000")
#: One sync worker per core and one more. A worker spends little of a request waiting (the
#: database answers in well under a millisecond), so the usual "2 x cores + 1" only adds processes
#: competing for the cores: on two cores, five workers cost 13 to 35 % more CPU per sending than
#: three in the submission benchmark, and answered slower (bench/submit/README.md). The one more
#: keeps a core busy while a worker drafts a report (one to two seconds) or waits.
workers = int(os.environ.get("EXITVOICE_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("EXITVOICE_THREADS", "1"))
# Behind a reverse proxy that terminates TLS: believe its forwarded headers, and only its.
forwarded_allow_ips = os.environ.get("EXITVOICE_FORWARDED_ALLOW_IPS",
                                     os.environ.get("EXITVOICE_TRUSTED_PROXIES", "127.0.0.1,::1"))
accesslog = os.environ.get("EXITVOICE_ACCESS_LOG", "-")
access_log_format = '"%(m)s %(U)s" %(s)s'
logger_class = RedactingLogger
errorlog = "-"
timeout = 60
graceful_timeout = 30


#: The libraries drafting a report imports (through ``analysis``): about a second and a half the
#: first time in a process, which HR would wait for on the first draft each worker makes. The
#: master imports them once, before the workers fork, so that every worker starts with them
#: (``tests/test_startup.py`` checks that a draft then imports nothing more from outside the
#: project). Only third-party libraries: the project's own modules are left to the workers, so that
#: a reload (``kill -HUP``) still starts workers on the code as it is on disk.
DRAFTING_LIBRARIES = ("numpy", "pandas", "scipy.sparse", "scipy.optimize", "sklearn.feature_extraction.text",
                      "english_words", "yaml")


def on_starting(server) -> None:  # noqa: ANN001, ARG001 - gunicorn's hook
    """In the master, before any worker forks: import what drafting a report needs; the workers
    share those pages with the master until they write to them. (Freezing them out of the
    garbage collector's scans here, ``gc.freeze``, as Python's documentation suggests before a
    fork, never lowered the CPU a sending costs in five paired runs of the submission bench, and
    the memory it was to save was never measured: it is not done.) ``EXITVOICE_PRELOAD_ANALYSIS=0``
    leaves them to the first draft in each worker (less memory for a worker that never drafts, at
    the price of that wait)."""
    if os.environ.get("EXITVOICE_PRELOAD_ANALYSIS", "1") == "0":
        return
    import importlib

    for name in DRAFTING_LIBRARIES:
        importlib.import_module(name)


def post_worker_init(worker) -> None:  # noqa: ANN001 - gunicorn's hook
    """In each worker, once the app is loaded: read the published reports' ledgers, the theme
    taxonomy and the scrubber's word lists in the background (``prepare_drafting``), so that the
    worker's first report draft does not spend a second or more reading them. The worker answers
    requests meanwhile; a draft that arrives first waits for the reading rather than repeating
    it. Memory: each worker then holds the ledgers from the start (about 180 MB with ten years
    of quarterly reports), as it would after its first draft. ``EXITVOICE_READ_LEDGERS_AT_START=0``
    leaves them to that draft."""
    if os.environ.get("EXITVOICE_READ_LEDGERS_AT_START", "1") == "0":
        return
    app = worker.wsgi
    log = logging.getLogger("gunicorn.error")

    def read() -> None:
        from survey_app.reports.service import prepare_drafting

        started = time.perf_counter()
        try:
            with app.app_context():
                ledgers = prepare_drafting()
        except Exception:  # noqa: BLE001 - a draft reads them itself; the worker must go on
            log.exception("Reading the published reports' ledgers failed; the first draft will read them")
            return
        reports = sum(count for _, _, count in ledgers)
        log.info("Read the ledgers of %d published reports in %.1f s", reports, time.perf_counter() - started)

    threading.Thread(target=read, name="ledgers", daemon=True).start()
