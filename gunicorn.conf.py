"""Gunicorn settings for production (``gunicorn -c gunicorn.conf.py wsgi:app``).

The access log leaves out the client address (%(h)s) and the exact time: respondent routes must
not record who sent what, and when.
"""

import multiprocessing
import os

bind = os.environ.get("EXITVOICE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("EXITVOICE_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("EXITVOICE_THREADS", "1"))
# Behind a reverse proxy that terminates TLS; only trust it for the scheme.
forwarded_allow_ips = os.environ.get("EXITVOICE_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("EXITVOICE_ACCESS_LOG", "-")
access_log_format = '"%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
timeout = 60
graceful_timeout = 30
