"""The MEP list and Integrity Watch's declarations, read from the real files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ptt.errors import ParseError
from ptt.model import ParsedDocument, StatedPolitician
from ptt.parsing.eu_parliament import parse_integritywatch, parse_mep_list


def _meps(fixtures: Path) -> list[StatedPolitician]:
    data = (fixtures / "eu_parliament" / "meps_full_list_fr_2019.xml").read_bytes()
    return parse_mep_list(data)


def _declarations(fixtures: Path, with_names: bool = True) -> list[ParsedDocument]:
    name = "integritywatch_declarations_leg9_first60.json"
    data = (fixtures / "eu_parliament" / name).read_bytes()
    return parse_integritywatch(data, _meps(fixtures) if with_names else ())


def _declaration(fixtures: Path, doc_id: str) -> ParsedDocument:
    return next(d for d in _declarations(fixtures) if d.doc_id == doc_id)


def test_it_reads_all_750_meps_of_the_list(fixtures: Path) -> None:
    meps = _meps(fixtures)

    assert len(meps) == 750
    assert len({m.external_ids["ep_id"] for m in meps}) == 750
    assert all(m.role == "MEP" and m.chamber == "european_parliament" for m in meps)


@pytest.mark.parametrize(
    ("ep_id", "full_name", "first", "last", "country", "group", "party"),
    [
        ("189525", "Asim ADEMOV", "Asim", "ADEMOV", "Bulgarie",
         "Groupe du Parti populaire européen (Démocrates-Chrétiens)",
         "Citizens for European Development of Bulgaria"),
        ("38398", "Esther de LANGE", "Esther", "de LANGE", "Pays-Bas",
         "Groupe du Parti populaire européen (Démocrates-Chrétiens)",
         "Christen Democratisch Appèl"),
        ("124806", "David McALLISTER", "David", "McALLISTER", "Allemagne",
         "Groupe du Parti populaire européen (Démocrates-Chrétiens)",
         "Christlich Demokratische Union Deutschlands"),
        ("124951", "Bill ETHERIDGE", "Bill", "ETHERIDGE", "Royaume-Uni",
         "Groupe Europe de la liberté et de la démocratie directe", "The Brexit Party"),
    ],
)  # fmt: skip
def test_it_reads_an_mep_field_by_field(
    fixtures: Path,
    ep_id: str,
    full_name: str,
    first: str,
    last: str,
    country: str,
    group: str,
    party: str,
) -> None:
    mep = next(m for m in _meps(fixtures) if m.external_ids == {"ep_id": ep_id})

    assert mep == StatedPolitician(
        full_name=full_name,
        first_name=first,
        last_name=last,
        role="MEP",
        party=party,
        state_country=country,
        chamber="european_parliament",
        group=group,
        external_ids={"ep_id": ep_id},
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE meps [<!ENTITY x "BOOM">]>'
         b"<meps><mep><fullName>&x;</fullName><id>1</id></mep></meps>", "declares a DTD"),
        (b'<?xml version="1.0"?><!DOCTYPE meps [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
         b"<meps><mep><fullName>&x;</fullName><id>1</id></mep></meps>", "declares a DTD"),
        (b"<meps><mep><fullName>Asim ADEMOV</fullName>", "not well-formed"),
        (b"<html><body>Error</body></html>", "root is <html>"),
        (b"<meps><mep><fullName>Asim ADEMOV</fullName></mep></meps>", "entry 1 has no"),
    ],
)  # fmt: skip
def test_it_rejects_a_broken_or_tricked_mep_list(data: bytes, error: str) -> None:
    with pytest.raises(ParseError, match=error):
        parse_mep_list(data)


def test_it_makes_one_document_per_declaration_of_the_60(fixtures: Path) -> None:
    docs = _declarations(fixtures)

    assert len(docs) == 60
    assert len({d.doc_id for d in docs}) == 60
    assert all(d.parse_status == "parsed" for d in docs)
    assert all(t.origin == "integritywatch" for d in docs for t in d.transactions)
    assert sum(len(d.transactions) for d in docs) == 390
    holdings = [
        t for d in docs for t in d.transactions if t.transaction_type == "holding"
    ]
    assert [t.asset_name for t in holdings] == [
        "1.G.E.R.S. IM X SRL",
        "CITIZ Société d'Auto partage (1000€)X",
    ]


def test_it_reads_a_declaration_field_by_field(fixtures: Path) -> None:
    doc = _declaration(fixtures, "96750_DFI_LEG9_rev0_FR")

    assert doc.source == "eu-parliament"
    assert doc.url == "https://www.europarl.europa.eu/mepdif/96750_DFI_LEG9_rev0_FR.pdf"
    assert doc.filing_date == dt.date(2019, 6, 11)
    assert doc.filing_type == "Declaration of private interests"
    assert doc.politician is not None
    assert doc.politician.external_ids == {"ep_id": "96750"}
    # This MEP joined in 2019 and is not on the fixture's earlier list.
    assert doc.politician.full_name == ""
    assert [(t.category, t.description, t.amount_text) for t in doc.transactions] == [
        ("occupation", "Ingénieur ADEME", "income category 3 (EUR 1,001-5,000 a month)"),
        ("occupation", "Maire d'Osani", "income category 2 (EUR 500-1,000 a month)"),
        ("occupation", "Président SAEML Osani- Ghjirulatu", "unpaid"),
        ("occupation", "Trésorier Régions et Peuples Solidaires", "unpaid"),
        ("occupation", "Co-gérant d'une SARL Prumuzione Nustrale", "unpaid"),
        ("membership", "Trésorier Régions et Peuples Solidaires", "unpaid"),
    ]  # fmt: skip
    first = doc.transactions[0]
    assert first.row == 1
    assert first.transaction_type == "interest"
    assert first.asset_name is None
    assert (first.amount_range_min, first.amount_range_max) == (None, None)
    assert first.raw == {
        "section": "occupation",
        "text": "Ingénieur ADEME",
        "income": 3,
    }


def test_it_names_the_mep_from_the_official_list(fixtures: Path) -> None:
    doc = _declaration(fixtures, "38398_DFI_LEG9_rev0_NL")

    assert doc.politician == StatedPolitician(
        full_name="Esther de LANGE",
        first_name="Esther",
        last_name="de LANGE",
        role="MEP",
        party="Christen Democratisch Appèl",
        state_country="Pays-Bas",
        chamber="european_parliament",
        group="Groupe du Parti populaire européen (Démocrates-Chrétiens)",
        external_ids={"ep_id": "38398"},
    )
    assert doc.filing_date == dt.date(2019, 7, 17)
    assert [(t.category, t.description) for t in doc.transactions[:2]] == [
        ("occupation", "Lid Europees Parlement"),
        ("occupation", "Bestuurslid Vrienden van de Talenacademie"),
    ]


def test_it_keeps_a_holding_and_the_free_text_sections(fixtures: Path) -> None:
    doc = _declaration(fixtures, "22858_DFI_LEG9_rev1_FR")

    holding = next(t for t in doc.transactions if t.category == "holding")
    assert holding.transaction_type == "holding"
    assert holding.asset_name == "CITIZ Société d'Auto partage (1000€)X"
    assert holding.amount_text is None
    assert holding.raw["income"] == -1
    additional = [t for t in doc.transactions if t.category == "additional"]
    assert len(additional) == 1
    assert additional[0].description is not None
    assert additional[0].description.startswith(
        "Je déclare l'existance d'une association de soutien appelée Les Volontaires"
    )
    assert doc.transactions[-1] is additional[0]


@pytest.mark.parametrize(
    ("doc_id", "category", "descriptions"),
    [
        ("38398_DFI_LEG9_rev0_NL", "support", [
            "2. personele steun: T.b.v. organisatie bijeenkomsten MEP Watergroup "
            "(*) verleend door WSSTP",
            "3. materiële steun: T.b.v. organisatie bijeenkomsten MEP Watergroup "
            "(*) verleend door WSSTP",
        ]),
        ("190464_DFI_LEG9_rev0_DE", "support", [
            "2. personell: eine Person/Iris Bos (*) bereitgestellt von "
            "europäische Grüne Partei (EGP)",
            "3. materiell: ein Telefon (*) bereitgestellt von EGP",
        ]),
        ("183338_DFI_LEG9_rev0_SV", "other", [
            "1. Jag äger aktier och fonder till ett värde av ca 200 000 kronor. "
            "Jag uppger gärna innehaven, om det finns ett bra format för det.",
        ]),
        ("58789_DFI_LEG9_rev1_NL", "other", [
            "1. - Certificaten maatschap Huitema - Aalberts",
        ]),
        # Empty forms in Romanian and Polish wrap their labels over two lines.
        ("33997_DFI_LEG9_rev1_RO", "support", []),
        ("23788_DFI_LEG9_rev0_PL", "support", []),
        ("96750_DFI_LEG9_rev0_FR", "other", []),
    ],
)  # fmt: skip
def test_it_keeps_only_what_a_filer_wrote_into_support_and_other(
    fixtures: Path, doc_id: str, category: str, descriptions: list[str]
) -> None:
    doc = _declaration(fixtures, doc_id)

    rows = [t for t in doc.transactions if t.category == category]
    assert [t.description for t in rows] == descriptions
    assert all(t.transaction_type == "interest" for t in rows)


def test_it_keeps_the_ep_id_when_the_mep_list_lacks_the_name(fixtures: Path) -> None:
    docs = _declarations(fixtures, with_names=False)

    assert all(d.politician is not None for d in docs)
    assert {d.politician.full_name for d in docs if d.politician} == {""}
    assert docs[0].politician is not None
    assert docs[0].politician.external_ids == {"ep_id": "96750"}


def test_it_fails_a_declaration_without_its_official_pdf(fixtures: Path) -> None:
    data = json.dumps([{"mep_id": 1, "date": "01/07/2019", "occupation": []}])

    [doc] = parse_integritywatch(data.encode())

    assert doc.parse_status == "failed"
    assert "no official PDF url" in (doc.parse_error or "")


@pytest.mark.parametrize(
    ("data", "error"),
    [(b'[{"mep_id": 1,', "not valid JSON"), (b'{"mep_id": 1}', "not a JSON list")],
)
def test_it_rejects_a_broken_declarations_file(data: bytes, error: str) -> None:
    with pytest.raises(ParseError, match=error):
        parse_integritywatch(data)


@pytest.mark.parametrize(
    ("entry", "amount_text"),
    [
        (["County Councillor", "937.18 EUR (833,33 GBP)"], "937.18 EUR (833,33 GBP)"),
        (["Conseiller régional", 2000], "2000"),
        (["Mayor", 5], "income category 5 (over EUR 10,000 a month)"),
        (["Board member", 1], "income category 1 (EUR 1-499 a month)"),
        (["Shares", -1], None),
    ],
)  # fmt: skip
def test_it_keeps_each_income_coding_as_text(
    fixtures: Path, entry: list[object], amount_text: str | None
) -> None:
    # The real first declaration with one mandate of each income coding Integrity
    # Watch uses (category codes, a stated amount, a corrected amount string).
    name = "integritywatch_declarations_leg9_first60.json"
    declarations = json.loads((fixtures / "eu_parliament" / name).read_bytes())
    declarations[0]["mandate"] = [entry]

    doc = parse_integritywatch(json.dumps(declarations[:1]).encode())[0]

    [row] = [t for t in doc.transactions if t.category == "mandate"]
    assert row.amount_text == amount_text
    assert row.raw["income"] == entry[1]
    assert (row.amount_range_min, row.amount_range_max) == (None, None)


@pytest.mark.parametrize("text", ["", "   ", "-", "None", "n/a"])
def test_it_makes_no_row_of_an_empty_entry(fixtures: Path, text: str) -> None:
    name = "integritywatch_declarations_leg9_first60.json"
    declarations = json.loads((fixtures / "eu_parliament" / name).read_bytes())
    declarations[0]["holding"] = [[text, -1]]

    doc = parse_integritywatch(json.dumps(declarations[:1]).encode())[0]

    assert [t for t in doc.transactions if t.category == "holding"] == []


@pytest.mark.parametrize(
    ("date", "code", "amount_text"),
    [
        ("28/02/2017", 1, "income category 1 (EUR 500-1,000 a month)"),
        ("28/02/2017", 4, "income category 4 (over EUR 10,000 a month)"),
        ("01/03/2017", 1, "income category 1 (EUR 1-499 a month)"),
        ("01/03/2017", 4, "income category 4 (EUR 5,001-10,000 a month)"),
    ],
)
def test_it_reads_income_codes_on_the_scale_of_the_form_in_force(
    fixtures: Path, date: str, code: int, amount_text: str
) -> None:
    # The real first declaration re-dated around the form change of 1 March 2017.
    name = "integritywatch_declarations_leg9_first60.json"
    declarations = json.loads((fixtures / "eu_parliament" / name).read_bytes())
    declarations[0]["date"] = date
    declarations[0]["mandate"] = [["Mayor", code]]

    doc = parse_integritywatch(json.dumps(declarations[:1]).encode())[0]

    [row] = [t for t in doc.transactions if t.category == "mandate"]
    assert row.amount_text == amount_text
