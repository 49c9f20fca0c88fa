"""The baseline for bench/wizard_load.py: a bare Flask app rendering one template."""

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))


@app.get("/")
def page():
    """One template render, nothing else: the ceiling for a Flask page on this machine."""
    return render_template("bare.html", title="Baseline", items=range(10))
