"""The ceiling: one Flask route returning a few bytes, served by the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "ok"
