"""Gunicorn settings for production (``gunicorn -c gunicorn.conf.py wsgi:app``).

The access log holds the method, the path and the status only. It leaves out the client address
(%(h)s) and the time, so respondent routes do not record who sent what, and when; the response
size and duration, which could pair a log line with the answers it carried; the query string;
and secrets in paths: a password-setting link is logged as ``/set-password/[token]``, so whoever
reads the log cannot use it.
"""

import multiprocessing
import os
import re

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
workers = int(os.environ.get("EXITVOICE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
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
