"""SQLAlchemy 2.0 typed models. The database is SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
