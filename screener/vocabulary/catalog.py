"""The gettext catalogues, read without Flask, so every entry point words alike.

The web pages, the API, the CLI and the registry reader all say things through
``speaker(lang)``: English is the message id itself; any other language comes
from ``screener/translations/<lang>/LC_MESSAGES/messages.mo`` -- the same
catalogue Flask-Babel serves the pages from.

A speaker is *strict* by default: a message with no translation raises
``Untranslated`` instead of slipping English into a Spanish sentence, so a
caller can fall back to the whole English sentence, marked as such.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources

from babel.support import Translations

ENGLISH = "en"


def N_(message: str) -> str:
    """Mark ``message`` for extraction (``pybabel extract -k N_``); translated when said."""
    return message


def P_(context: str, message: str) -> tuple[str, str]:
    """Mark ``message`` with a gettext context (``-k P_:1c,2``): the same English word
    with two meanings ("refractory" disease, "refractory" to a drug)."""
    return context, message


class Untranslated(LookupError):
    """A message with no translation in the catalogue of the language asked for."""


@lru_cache(maxsize=8)
def _catalogue(lang: str) -> dict[str, str]:
    folder = resources.files("screener").joinpath("translations")
    found = Translations.load(str(folder), [lang], "messages")
    if not isinstance(found, Translations):
        raise LookupError(f"no message catalogue for language {lang!r}")
    return found._catalog  # msgid (or "context\x04msgid") -> msgstr


Speaker = Callable[..., str]


@lru_cache(maxsize=16)
def speaker(lang: str, strict: bool = True) -> Speaker:
    """``say(message, **variables)`` in ``lang``; ``message`` is a msgid or a P_ pair."""
    if lang == ENGLISH:
        def say_english(message, **variables) -> str:
            text = message[1] if isinstance(message, tuple) else message
            return text % variables if variables else text
        return say_english
    catalogue = _catalogue(lang)

    def say(message, **variables) -> str:
        if isinstance(message, tuple):
            key, text = "\x04".join(message), message[1]
        else:
            key = text = message
        found = catalogue.get(key)
        if found:
            text = found
        elif strict:
            raise Untranslated(text)
        return text % variables if variables else text

    return say
