"""European Parliament: the MEP list and Integrity Watch's parsed declarations of interests.

What the source gives: holdings and declared interests, never trades. Each MEP files a
declaration of private interests (a PDF per MEP, in the MEP's language) with sections for
previous occupations, mandates, outside activities, memberships, occasional income,
holdings, support and other financial interests. Transparency International's Integrity
Watch publishes them parsed (``doi-pretty.json``); every row read from it carries
``origin = "integritywatch"`` and the document is the official PDF it links.

Layout quirks: the list sections are ``[text, income]`` pairs where the text is what PDF
extraction left (runs of padding spaces, a category-5 amount such as "20000" pasted into
the text) and ``income`` is Integrity Watch's income code: -1 none stated, 0 unpaid, 1 to 5
the form's monthly income categories (EUR 1-499, 500-1,000, 1,001-5,000, 5,001-10,000,
over 10,000; declarations filed before March 2017 used four, EUR 500-1,000 up to over
10,000), a larger number or a string an amount as stated. ``support`` and ``other``
are not lists but the section's raw text, form labels and page markers ("4/6   DE")
included; only what a filer wrote into them becomes a row. Declarations carry the EP id
but no name: names come from the official MEP list, passed in by the caller.

Limits: the income code is kept in ``amount_text`` and ``raw``, never as an amount
(it is monthly income from the activity, not a value of a holding). Holdings state no
value. The MEP list used here is the French-locale one: country and group names are in
French, as published. Integrity Watch's extra keys (assistants, staff, events) are not
interests and are not read.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from lxml import etree

from ptt.errors import ParseError
from ptt.model import ParsedDocument, StatedPolitician, Transaction

logger = logging.getLogger(__name__)

SOURCE = "eu-parliament"
ORIGIN = "integritywatch"
FILING_TYPE = "Declaration of private interests"
ROLE = "MEP"
CHAMBER = "european_parliament"

# The list sections of doi-pretty.json, in the order of the declaration form.
LIST_SECTIONS = (
    "occupation",
    "mandate",
    "activity",
    "membership",
    "occasional",
    "holding",
)
TEXT_SECTIONS = ("support", "other", "additional")
_INCOME_CATEGORIES = {
    0: "unpaid",
    1: "income category 1 (EUR 1-499 a month)",
    2: "income category 2 (EUR 500-1,000 a month)",
    3: "income category 3 (EUR 1,001-5,000 a month)",
    4: "income category 4 (EUR 5,001-10,000 a month)",
    5: "income category 5 (over EUR 10,000 a month)",
}
# Declarations filed before the form changed on 1 March 2017 had four categories;
# Integrity Watch codes them 1 to 4 on that older scale.
_OLD_FORM_UNTIL = dt.date(2017, 3, 1)
_OLD_INCOME_CATEGORIES = {
    0: "unpaid",
    1: "income category 1 (EUR 500-1,000 a month)",
    2: "income category 2 (EUR 1,001-5,000 a month)",
    3: "income category 3 (EUR 5,001-10,000 a month)",
    4: "income category 4 (over EUR 10,000 a month)",
}
_EMPTY_TEXTS = {"", "-", "--", "/", "none", "n/a", "x"}
_PAGE_MARKER = re.compile(r"^\s*\d+/\d+\s+[A-Z]{2}\s*$")
_NUMBERED = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?(?=\s|$)\s*(.*)$")
_PADDING = re.compile(r"\s{2,}")
_PDF_NAME = re.compile(r"/([^/?#]+)\.pdf(?:[?#].*)?$", re.IGNORECASE)
_MC_PREFIX = re.compile(r"^(?:Mc|Mac)(?=[A-Z])")


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _split_name(full_name: str) -> tuple[str | None, str | None]:
    """Return (first names, family name): the EP writes family names in capitals."""
    tokens = full_name.split()
    for index, token in enumerate(tokens):
        letters = [c for c in _MC_PREFIX.sub("", token) if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            # Particles before the capitals belong to the family name ("de LANGE").
            while (
                index > 0
                and tokens[index - 1].isalpha()
                and tokens[index - 1].islower()
            ):
                index -= 1
            first = " ".join(tokens[:index]) or None
            return first, " ".join(tokens[index:])
    return None, None


def _text(element: etree._Element, tag: str) -> str | None:
    value = element.findtext(tag)
    return value.strip() if value and value.strip() else None


def parse_mep_list(data: bytes) -> list[StatedPolitician]:
    """Return the MEPs of the Parliament's MEP list XML (``/meps/en/full-list/xml``)."""
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(
            f"MEP list is not well-formed XML ({exc}); the download may be cut short "
            "or be an error page",
            source=SOURCE,
        ) from exc

    # The real list has no DTD; one declaring entities is a trick, not the list.
    if root.getroottree().docinfo.internalDTD is not None:
        raise ParseError(
            "MEP list declares a DTD, which the Parliament's list never does; it was "
            "refused unread",
            source=SOURCE,
        )
    if root.tag != "meps":
        raise ParseError(
            f"MEP list's root is <{root.tag}>, not <meps>; the layout may have changed",
            source=SOURCE,
        )

    meps = []
    for position, mep in enumerate(root.iterchildren("mep"), start=1):
        full_name = _text(mep, "fullName")
        ep_id = _text(mep, "id")
        if not full_name or not ep_id:
            raise ParseError(
                f"MEP list entry {position} has no fullName or id; the layout may have "
                "changed",
                source=SOURCE,
            )
        first, last = _split_name(full_name)
        meps.append(
            StatedPolitician(
                full_name=full_name,
                first_name=first,
                last_name=last,
                role=ROLE,
                party=_text(mep, "nationalPoliticalGroup"),
                group=_text(mep, "politicalGroup"),
                state_country=_text(mep, "country"),
                chamber=CHAMBER,
                external_ids={"ep_id": ep_id},
            )
        )
    return meps


def _clean(text: str) -> str:
    return " ".join(text.split())


def _income_text(income: Any, filed: dt.date | None) -> str | None:
    if isinstance(income, bool) or income is None:
        return None
    old_form = filed is not None and filed < _OLD_FORM_UNTIL
    categories = _OLD_INCOME_CATEGORIES if old_form else _INCOME_CATEGORIES
    if isinstance(income, int) and income in categories:
        return categories[income]
    if isinstance(income, int) and income < 0:
        return None
    # A larger number or a string is an amount Integrity Watch read off the form.
    return _clean(str(income)) or None


def _is_footnote(line: str) -> bool:
    """Return whether a line is the form's "(*) Identity of the third party" note."""
    stripped = line.strip()
    return stripped.startswith("(*)") and len(_PADDING.split(stripped)) == 1


def _filled_items(text: str, labelled: bool) -> list[str]:
    """Return what a filer wrote into a text section, one entry per numbered item."""
    items: list[list[str]] = []
    preamble: list[str] = []
    for line in text.splitlines():
        if not line.strip() or _PAGE_MARKER.match(line):
            continue
        if _NUMBERED.match(line):
            items.append([line])
        elif items:
            items[-1].append(line)
        else:
            preamble.append(line)

    # A section without numbered items ("additional") is one free text.
    if not items:
        whole = _clean(" ".join(preamble))
        return [whole] if whole.lower() not in _EMPTY_TEXTS else []

    filled = []
    for lines in items:
        written = _has_content(lines) if labelled else _has_text(lines)
        if written:
            kept = [line for line in lines if not _is_footnote(line)]
            filled.append(_clean(" ".join(kept)))
    return filled


def _has_text(lines: list[str]) -> bool:
    """Return whether an unlabelled item ("1.", "2.") has anything after its number."""
    match = _NUMBERED.match(lines[0])
    first = match.group(2) if match else lines[0]
    return any(part.strip() for part in [first, *lines[1:]])


def _has_content(lines: list[str]) -> bool:
    """Return whether a labelled item holds more than the form's own labels."""
    match = _NUMBERED.match(lines[0])
    parts = _PADDING.split((match.group(2) if match else lines[0]).strip())
    # "2. personell:      Ein Mitarbeiter": a label, then what was written.
    if len(parts) > 1:
        return True

    label_done = not parts[0] or parts[0].endswith(":")
    for line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith("(*)"):
            label_done = True
            # "(*)    granted by      WSSTP": marker, label, then the third party.
            if len(_PADDING.split(stripped)) > 2:
                return True
            continue
        segments = _PADDING.split(stripped)
        if not label_done:
            # A label wrapped over two lines ("2. susținere sub formă de / personal:").
            if len(segments) > 1:
                return True
            label_done = segments[0].endswith(":")
            continue
        return True
    return False


def _doc_id(url: str) -> str | None:
    match = _PDF_NAME.search(url)
    return match.group(1) if match else None


def _date(text: Any) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def _declaration_rows(declaration: dict[str, Any]) -> list[Transaction]:
    filed = _date(declaration.get("date"))
    rows: list[Transaction] = []
    for section in LIST_SECTIONS:
        for entry in declaration.get(section) or []:
            if (
                not isinstance(entry, list)
                or not entry
                or not isinstance(entry[0], str)
            ):
                continue
            text = _clean(entry[0])
            if text.lower() in _EMPTY_TEXTS:
                continue
            income = entry[1] if len(entry) > 1 else None
            is_holding = section == "holding"
            rows.append(
                Transaction(
                    row=len(rows) + 1,
                    asset_name=text if is_holding else None,
                    transaction_type="holding" if is_holding else "interest",
                    amount_text=_income_text(income, filed),
                    description=text,
                    category=section,
                    origin=ORIGIN,
                    raw={"section": section, "text": entry[0], "income": income},
                )
            )

    for section in TEXT_SECTIONS:
        section_text = declaration.get(section)
        if not isinstance(section_text, str):
            continue
        for item in _filled_items(section_text, labelled=section == "support"):
            rows.append(
                Transaction(
                    row=len(rows) + 1,
                    transaction_type="interest",
                    description=item,
                    category=section,
                    origin=ORIGIN,
                    raw={"section": section, "text": section_text},
                )
            )
    return rows


def _declaration_document(
    declaration: Any, names: dict[str, StatedPolitician]
) -> ParsedDocument:
    url = declaration.get("url") if isinstance(declaration, dict) else None
    doc_id = _doc_id(url) if isinstance(url, str) else None
    if not isinstance(declaration, dict) or not doc_id:
        return ParsedDocument(
            source=SOURCE,
            doc_id=doc_id or "",
            parse_status="failed",
            parse_error=(
                "Integrity Watch declaration has no official PDF url; it cannot be "
                "traced to a document"
            ),
            url=url if isinstance(url, str) else None,
            origin=ORIGIN,
        )

    mep_id = declaration.get("mep_id")
    politician = None
    if mep_id is not None:
        ep_id = str(mep_id)
        listed = names.get(ep_id)
        # Integrity Watch gives no name; an empty name means "not stated here".
        politician = StatedPolitician(
            full_name=listed.full_name if listed else "",
            first_name=listed.first_name if listed else None,
            last_name=listed.last_name if listed else None,
            role=ROLE,
            party=listed.party if listed else None,
            group=listed.group if listed else None,
            state_country=listed.state_country if listed else None,
            chamber=CHAMBER,
            external_ids={"ep_id": ep_id},
        )

    return ParsedDocument(
        source=SOURCE,
        doc_id=doc_id,
        parse_status="parsed",
        filing_type=FILING_TYPE,
        filing_date=_date(declaration.get("date")),
        politician=politician,
        transactions=_declaration_rows(declaration),
        url=url,
        origin=ORIGIN,
    )


def parse_integritywatch(
    data: bytes, meps: Iterable[StatedPolitician] = (), *, warn_unnamed: bool = True
) -> list[ParsedDocument]:
    """Return one document per MEP declaration in Integrity Watch's doi-pretty.json.

    ``warn_unnamed=False`` leaves the warning about MEPs missing from ``meps`` to a
    caller that reads declarations one at a time and counts them itself.
    """
    try:
        declarations = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(
            f"Integrity Watch declarations are not valid JSON ({exc}); the download "
            "may be cut short",
            source=SOURCE,
        ) from exc
    if not isinstance(declarations, list):
        raise ParseError(
            "Integrity Watch declarations are not a JSON list; the file's layout may "
            "have changed",
            source=SOURCE,
        )

    names = {
        mep.external_ids["ep_id"]: mep for mep in meps if "ep_id" in mep.external_ids
    }
    documents = [_declaration_document(d, names) for d in declarations]
    unnamed = sum(
        1 for d in documents if d.politician is not None and not d.politician.full_name
    )
    if unnamed and warn_unnamed:
        logger.warning(
            "%s of %s Integrity Watch declarations name an MEP missing from the MEP "
            "list given; they are kept with the EP id only",
            unnamed,
            len(documents),
        )
    return documents
