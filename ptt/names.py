"""Politician identity: one person, one key, whatever the spelling of the document.

Documents name the same member many ways: ``Hon. John McGuire``, ``John J. McGuire III``,
``McGuire, John``, ``MCGUIRE, JOHN``, ``Mark Dr Green``, ``Charles J. "Chuck"
Fleischmann``. :func:`identity_key` reduces a stated politician to the jurisdiction
(the chamber, or the state or country for other offices), the last name and the first
given name, all without honorifics, suffixes, middle names or initials, accents, case or
punctuation, so that those spellings meet. :func:`alias_keys` adds the keys of the other
spellings one document gives (a nickname, the display name next to the legal one), which
the store records in ``politician_aliases``. External ids (bioguide, UK member, MEP,
California filer) identify a person better than any name; the store matches them first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ptt.model import StatedPolitician

# The columns of ``politicians`` that hold an external id, in the order they are trusted.
EXTERNAL_ID_COLUMNS = ("bioguide_id", "uk_member_id", "ep_id", "ca_filer_id")

_HONORIFICS = {
    "hon",
    "honorable",
    "the",
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "sen",
    "senator",
    "rep",
    "representative",
    "sir",
    "dame",
    "lord",
    "lady",
    "baroness",
    "baron",
    "rt",
    "right",
    "prof",
    "professor",
    "mep",
    "mp",
}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v", "vi", "md", "phd", "esq", "qc", "kc"}
_NICKNAME = re.compile(r"[\"“”](.+?)[\"“”]|\((.+?)\)")
_APOSTROPHES = re.compile(r"['’`´]")
_NOT_LETTER = re.compile(r"[^a-z0-9 ]+")


@dataclass(frozen=True)
class NameParts:
    """A personal name split into the parts identity uses, each already normalised."""

    first: str
    last: str
    middle: tuple[str, ...] = ()
    suffix: str | None = None
    nickname: str | None = None


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without accents, apostrophes or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _APOSTROPHES.sub("", plain.casefold())
    return " ".join(_NOT_LETTER.sub(" ", plain).split())


def _words(text: str) -> list[str]:
    return fold(text).split()


def _strip_titles(words: list[str]) -> list[str]:
    """Return the words without honorifics at either end and without suffixes."""
    kept = [w for w in words if w not in _SUFFIXES]
    while kept and kept[0] in _HONORIFICS:
        kept = kept[1:]
    # The House index writes some honorifics after the first name ("Mark Dr").
    while len(kept) > 1 and kept[-1] in _HONORIFICS:
        kept = kept[:-1]
    return kept


def _first_given(words: list[str]) -> tuple[str, tuple[str, ...]]:
    """Return the first given name and the middle names of the given-name words."""
    if not words:
        return "", ()

    # "A. Mitchell" and "J. French" go by the middle name; an initial alone is kept.
    for i, word in enumerate(words):
        if len(word) > 1:
            return word, tuple(words[:i] + words[i + 1 :])
    return words[0], tuple(words[1:])


def _nickname(text: str) -> tuple[str, str | None]:
    match = _NICKNAME.search(text)
    if not match:
        return text, None
    rest = text[: match.start()] + " " + text[match.end() :]
    nickname = fold(match.group(1) or match.group(2))
    # "McCormick, David H. (Senator)": a role in brackets is no nickname.
    if not nickname or all(w in _HONORIFICS for w in nickname.split()):
        return rest, None
    return rest, nickname


def _suffix_of(words: list[str]) -> str | None:
    for word in reversed(words):
        if word in _SUFFIXES:
            return word
    return None


def split_full_name(text: str) -> NameParts | None:
    """Return the parts of a name written whole, in "First Last" or "Last, First" order."""
    text, nickname = _nickname(text)
    head, comma, tail = text.partition(",")
    tail_words = _words(tail)
    if comma and tail_words and not all(w in _SUFFIXES for w in tail_words):
        # "McConnell, A. Mitchell Jr." and "MCGUIRE, JOHN": the last name comes first.
        last_words = _strip_titles(_words(head))
        given_words = _strip_titles(tail_words)
        suffix = _suffix_of(_words(head) + tail_words)
    else:
        words = _words(text)
        suffix = _suffix_of(words)
        words = _strip_titles(words)
        if not words:
            return None
        given_words, last_words = words[:-1], words[-1:]
    if not last_words:
        return None

    first, middle = _first_given(given_words)
    return NameParts(
        first=first,
        last="".join(last_words),
        middle=middle,
        suffix=suffix,
        nickname=nickname,
    )


def stated_parts(stated: StatedPolitician) -> NameParts | None:
    """Return the name parts of a stated politician, from its fields or its full name."""
    if not stated.last_name:
        return split_full_name(stated.full_name)

    first_text, nickname = _nickname(stated.first_name or "")
    last_words = _strip_titles(_words(stated.last_name))
    if not last_words:
        return split_full_name(stated.full_name)
    first, middle = _first_given(_strip_titles(_words(first_text)))
    middle += tuple(_strip_titles(_words(stated.middle_name or "")))
    suffix = fold(stated.suffix or "") or _suffix_of(
        _words(stated.last_name) + _words(stated.first_name or "")
    )
    return NameParts(
        first=first,
        last="".join(last_words),
        middle=middle,
        suffix=suffix or None,
        nickname=nickname,
    )


def jurisdiction(stated: StatedPolitician) -> str:
    """Return where the politician holds office: the chamber, with the state if local."""
    chamber = fold(stated.chamber or "").replace(" ", "_")
    place = fold(stated.state_country or "").replace(" ", "_")
    if chamber in ("", "state") and place:
        return f"{chamber or 'office'}-{place}"
    return chamber or "unknown"


def key_for(where: str, last: str, first: str) -> str:
    """Return the identity key of a jurisdiction, a last name and a first name."""
    return f"{where}|{last}|{first}"


def identity_key(stated: StatedPolitician) -> str:
    """Return the normalised identity: jurisdiction, last name and first given name."""
    parts = stated_parts(stated)
    where = jurisdiction(stated)
    if parts is None:
        return key_for(where, fold(stated.full_name).replace(" ", ""), "")
    return key_for(where, parts.last, parts.first)


def alias_keys(stated: StatedPolitician) -> list[str]:
    """Return the identity key first, then the keys of the other spellings stated."""
    where = jurisdiction(stated)
    keys = [identity_key(stated)]
    candidates = [stated_parts(stated), split_full_name(stated.full_name)]
    for parts in candidates:
        # A lone word tells too little to join a person under it.
        if parts is None or not parts.first:
            continue
        keys.append(key_for(where, parts.last, parts.first))
        if parts.nickname:
            keys.append(key_for(where, parts.last, parts.nickname.replace(" ", "")))
    return list(dict.fromkeys(keys))


def external_ids(stated: StatedPolitician) -> dict[str, str]:
    """Return the stated external ids that have a column, by column name."""
    return {
        column: str(stated.external_ids[column]).strip()
        for column in EXTERNAL_ID_COLUMNS
        if str(stated.external_ids.get(column) or "").strip()
    }
