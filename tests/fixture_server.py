"""A real HTTP server on 127.0.0.1 serving the real fixtures under the sources' paths.

Point a source's base URL at ``server.base_url`` and it talks to this server as it would
to the real site:

- House Clerk: ``/public_disc/financial-pdfs/{YEAR}FD.zip`` (2025 is the fixture ZIP,
  2023 is built from the fixture XML and TXT; ``house_indexes`` adds or replaces years)
  and ``/public_disc/ptr-pdfs/{YEAR}/{DocID}.pdf`` (the fixture PDFs by DocID;
  ``house_pdfs`` maps more DocIDs to fixture files, ``house_pdf_fallback`` serves one
  file for every unknown DocID). Both send an ETag and Last-Modified and answer 304 to
  a matching conditional request.
- Senate eFD, with its agreement flow: ``GET /search/home/`` sets ``csrftoken`` and
  shows a form with a hidden ``csrfmiddlewaretoken``; ``POST /search/home/`` with
  ``prohibition_agreement=1``, the token and a ``Referer`` sets ``sessionid``, rotates
  ``csrftoken`` and redirects to ``/search/``; ``POST /search/report/data/`` answers
  DataTables JSON from the fixture rows (``senate_rows``), honouring ``start`` and
  ``length``; ``/search/view/ptr/<uuid>/`` and ``/search/view/paper/<uuid>/`` serve the
  fixture pages. Without a session these redirect to ``/search/home/?next=...``, as the
  real site does; a missing or stale CSRF token gets 403.
- UK Parliament: the Interests API ``/api/v1/Interests?MemberId=&CategoryId=
  &ExpandChildInterests=&Skip=&Take=`` (``{"skip", "take", "totalResults", "items"}``,
  filtered by member and category, ``Take`` capped at 20 as the real API caps it) and
  ``/api/v1/Interests/{id}``, serving the fixture interest (``uk_interests``); the
  Members API ``/api/Members/{id}`` and ``/api/Members/Search?House=&IsCurrentMember=
  &skip=&take=`` (items wrapped as ``items[].value``), serving the fixture member
  (``uk_members``). ``uk_repeat`` serves each list that many times over, so that paging
  can be exercised with the few real records there are (ids repeat; nothing is made up).
- European Parliament: ``/meps/en/full-list/xml`` is the fixture list (French locale,
  2019) and ``/meps/en/incoming-outgoing/outgoing/xml`` an empty ``<meps></meps>`` by
  default; the EP ids in ``eu_outgoing_ids`` move from the first list to the second,
  their records served as the fixture has them (a subset of the real list). Integrity Watch's ``/data/meps/doi-pretty.json`` is the
  fixture of its first 60 declarations.
- California: CalMatters' Schedule A-1 CSV at the path of its real URL
  (``CALIFORNIA_PATH``), the fixture's first 300 rows.

The Integrity Watch file and the California CSV send an ETag and Last-Modified too.

Published files: ``files`` maps a path to a fixture file served as it is, with an ETag
and Last-Modified (a state's CSV or JSON download, read through a mapping file).

Knobs: ``latency`` (seconds added to every request), ``override(path, ...)`` to inject
a status, a body, headers, a redirect, ``Retry-After``, a truncated or a huge body (for
the first ``times`` requests only, if given), and ``requests``, the log of what was
asked (method, path, selected headers, cookie names, form fields).

Usable from tests as the ``fixture_server`` pytest fixture, and from benchmarks as a
context manager: ``with FixtureServer(FIXTURES) as server: ...``.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import io
import json
import re
import secrets
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

RECORDED_HEADERS = (
    "User-Agent",
    "Referer",
    "If-None-Match",
    "If-Modified-Since",
    "Content-Type",
    "X-Requested-With",
)
DEFAULT_LAST_MODIFIED = "Mon, 17 Feb 2025 09:00:00 GMT"
_HOUSE_INDEX = re.compile(r"^/public_disc/financial-pdfs/(\d{4})FD\.zip$")
_HOUSE_PTR = re.compile(r"^/public_disc/ptr-pdfs/(\d{4})/([A-Za-z0-9]+)\.pdf$")
_SENATE_VIEW = re.compile(r"^/search/view/(ptr|paper)/([0-9a-f-]+)/$")
_ROW_UUID = re.compile(r"/search/view/(ptr|paper)/([0-9a-f-]+)/")
_UK_INTEREST = re.compile(r"^/api/v1/Interests/(\d+)$")
_UK_MEMBER = re.compile(r"^/api/Members/(\d+)$")
UK_INTERESTS_TAKE_CAP = 20
EU_FULL_LIST_PATH = "/meps/en/full-list/xml"
EU_OUTGOING_PATH = "/meps/en/incoming-outgoing/outgoing/xml"
INTEGRITYWATCH_PATH = "/data/meps/doi-pretty.json"
CALIFORNIA_PATH = "/CalMatters/ca-form-700-data/main/schedule-a1.csv"


@dataclass
class Override:
    """What to answer on a path instead of the normal route."""

    status: int = 200
    # None keeps the route's own body (with the override's status and headers).
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # A path or URL to redirect to (status 302 unless ``status`` is another 3xx).
    redirect_to: str | None = None
    retry_after: str | None = None
    # Declare the full length, send half of the body, then close the connection.
    truncate: bool = False
    # Stream this many generated bytes instead of a body, with or without a length.
    huge_bytes: int | None = None
    declare_length: bool = True
    # Apply to this many requests only, then serve the route normally again.
    times: int | None = None
    used: int = 0


@dataclass(frozen=True)
class RecordedRequest:
    """One request the server received."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    cookies: tuple[str, ...]
    form: dict[str, str]


@dataclass
class Reply:
    """A response about to be sent."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)
    validators: bool = False


class FixtureServer:
    """The fixture documents, served over real HTTP on 127.0.0.1."""

    def __init__(self, fixtures: Path, *, latency: float = 0.0) -> None:
        self.fixtures = Path(fixtures)
        self.latency = latency
        self.requests: list[RecordedRequest] = []
        self.overrides: dict[str, Override] = {}
        self.last_modified = DEFAULT_LAST_MODIFIED
        self.house_indexes: dict[int, bytes] = {}
        self.house_pdfs: dict[str, str] = {}
        self.house_pdf_fallback: str | None = None
        self.senate_pages: dict[tuple[str, str], Path] = {}
        self.senate_page_fallback: dict[str, str] = {}
        self.senate_rows: list[list[str]] = []
        # Published files served as they are, by path (CSV and JSON downloads).
        self.files: dict[str, Path] = {}
        self.uk_interests: list[dict[str, Any]] = []
        self.uk_members: list[dict[str, Any]] = []
        self.uk_repeat = 1
        self.eu_meps: list[tuple[str, bytes]] = []
        self.eu_outgoing_ids: set[str] = set()
        self.integritywatch: bytes | None = None
        self.california_csv: bytes | None = None
        self._lock = threading.Lock()
        self._csrf_masks: dict[str, str] = {}
        self._csrf_valid: set[str] = set()
        self._sessions: set[str] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._load_fixtures()

    # Life cycle

    def start(self) -> FixtureServer:
        """Start serving on a free port of 127.0.0.1."""
        handler = type("Handler", (_Handler,), {"fixture": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fixture-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Return ``http://127.0.0.1:<port>``, without a trailing slash."""
        assert self._httpd is not None, "the fixture server is not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        """Return the full URL of a path on this server."""
        return self.base_url + path

    # Knobs

    def override(self, path: str, **options: Any) -> Override:
        """Answer ``path`` (without query) as told; see ``Override`` for the options."""
        override = Override(**options)
        with self._lock:
            self.overrides[path] = override
        return override

    def clear_overrides(self) -> None:
        """Serve every path normally again."""
        with self._lock:
            self.overrides.clear()

    def only_senate_rows_with_pages(self) -> list[list[str]]:
        """Keep only the search rows whose report page is a fixture; return them."""
        self.senate_rows = [
            row for row in self.senate_rows if _row_key(row) in self.senate_pages
        ]
        return self.senate_rows

    def count(self, path: str, method: str | None = None) -> int:
        """Return how many requests asked for ``path``."""
        return sum(
            1
            for request in list(self.requests)
            if request.path == path and (method is None or request.method == method)
        )

    def paths(self, method: str | None = None) -> list[str]:
        """Return the paths requested, in order."""
        return [
            request.path
            for request in list(self.requests)
            if method is None or request.method == method
        ]

    def etag_of(self, body: bytes) -> str:
        """Return the ETag this server sends for a body."""
        return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'

    # Routes

    def _load_fixtures(self) -> None:
        house = self.fixtures / "us_house"
        if (house / "2025FD.zip").exists():
            self.house_indexes[2025] = (house / "2025FD.zip").read_bytes()
        if (house / "2023FD.xml").exists():
            self.house_indexes[2023] = _zip_index(house, 2023)
        senate = self.fixtures / "us_senate"
        for page in sorted(senate.glob("*.html")):
            kind, _, uuid = page.stem.partition("_")
            self.senate_pages[(kind, uuid)] = page
        search = senate / "search_report_data.json"
        if search.exists():
            self.senate_rows = json.loads(search.read_text(encoding="utf-8"))["data"]

        uk = self.fixtures / "uk_parliament"
        for interest in sorted(uk.glob("interests_api_v1_Interests_*.json")):
            self.uk_interests.append(json.loads(interest.read_text(encoding="utf-8")))
        for member in sorted(uk.glob("members_api_Members_*.json")):
            self.uk_members.append(json.loads(member.read_text(encoding="utf-8")))

        eu = self.fixtures / "eu_parliament"
        if (eu / "meps_full_list_fr_2019.xml").exists():
            self.eu_meps = _mep_records(
                (eu / "meps_full_list_fr_2019.xml").read_bytes()
            )
        declarations = eu / "integritywatch_declarations_leg9_first60.json"
        if declarations.exists():
            self.integritywatch = declarations.read_bytes()
        california = self.fixtures / "california" / "form700_schedule_a1_first300.csv"
        if california.exists():
            self.california_csv = california.read_bytes()

    def route(
        self,
        method: str,
        path: str,
        form: dict[str, str],
        cookies: dict[str, str],
        headers: dict[str, str],
        query: dict[str, str] | None = None,
    ) -> Reply:
        """Return the normal answer to a request."""
        if method == "GET" and path in self.files:
            return _published_file(self.files[path])

        if method == "GET":
            reply = self._other_sources(path, query or {})
            if reply is not None:
                return reply

        match = _HOUSE_INDEX.match(path)
        if match and method == "GET":
            body = self.house_indexes.get(int(match.group(1)))
            if body is None:
                return _not_found()
            return Reply(200, body, "application/zip", validators=True)

        match = _HOUSE_PTR.match(path)
        if match and method == "GET":
            return self._house_pdf(match.group(2))

        if path == "/search/home/":
            if method == "POST":
                return self._agree(form, cookies, headers)
            return self._home(cookies)

        if path == "/search/" and method == "GET":
            if not self._has_session(cookies):
                return _redirect(f"/search/home/?next={path}")
            return Reply(200, _search_page(self._mask(cookies["csrftoken"])))

        if path == "/search/report/data/" and method == "POST":
            return self._report_data(form, cookies, headers)

        match = _SENATE_VIEW.match(path)
        if match and method == "GET":
            if not self._has_session(cookies):
                return _redirect(f"/search/home/?next={path}")
            return self._senate_page(match.group(1), match.group(2))

        return _not_found()

    def _house_pdf(self, doc_id: str) -> Reply:
        folder = self.fixtures / "us_house" / "ptr-pdfs"
        name = self.house_pdfs.get(doc_id)
        if name is None and (folder / f"{doc_id}.pdf").exists():
            name = f"{doc_id}.pdf"
        name = name or self.house_pdf_fallback
        if name is None:
            return _not_found()
        return Reply(
            200, (folder / name).read_bytes(), "application/pdf", validators=True
        )

    def _home(self, cookies: dict[str, str]) -> Reply:
        reply = Reply(200)
        secret = cookies.get("csrftoken", "")
        with self._lock:
            known = secret in self._csrf_valid
        if not known:
            secret = self._new_csrf()
            reply.cookies.append(f"csrftoken={secret}; Path=/; SameSite=Lax")
        reply.body = _home_page(self._mask(secret))
        return reply

    def _agree(
        self, form: dict[str, str], cookies: dict[str, str], headers: dict[str, str]
    ) -> Reply:
        if not self._csrf_ok(form, cookies, headers):
            return _csrf_failure()
        if form.get("prohibition_agreement") != "1":
            return self._home(cookies)

        with self._lock:
            self._csrf_valid.discard(cookies["csrftoken"])
            session = secrets.token_hex(16)
            self._sessions.add(session)
        reply = _redirect("/search/")
        reply.cookies.append(f"csrftoken={self._new_csrf()}; Path=/; SameSite=Lax")
        reply.cookies.append(f"sessionid={session}; Path=/; HttpOnly; SameSite=Lax")
        return reply

    def _report_data(
        self, form: dict[str, str], cookies: dict[str, str], headers: dict[str, str]
    ) -> Reply:
        if not self._has_session(cookies):
            return _redirect("/search/home/?next=/search/report/data/")
        if not self._csrf_ok(form, cookies, headers):
            return _csrf_failure()

        start = int(form.get("start") or 0)
        length = int(form.get("length") or 100)
        rows = list(self.senate_rows)
        if length <= 0:
            # DataTables asks for every row with a length of -1.
            length = len(rows)
        body = {
            "draw": int(form.get("draw") or 1),
            "recordsTotal": len(rows),
            "recordsFiltered": len(rows),
            "data": rows[start : start + length],
            "result": "ok",
        }
        return Reply(200, json.dumps(body).encode(), "application/json")

    def _senate_page(self, kind: str, uuid: str) -> Reply:
        page = self.senate_pages.get((kind, uuid))
        if page is None and kind in self.senate_page_fallback:
            page = self.fixtures / "us_senate" / self.senate_page_fallback[kind]
        if page is None:
            return _not_found()
        return Reply(200, page.read_bytes())

    def _other_sources(self, path: str, query: dict[str, str]) -> Reply | None:
        """Return the UK, EU or California answer to a GET, or None for other paths."""
        # The UK APIs (ASP.NET) read query names without regard to case.
        query = {name.lower(): value for name, value in query.items()}
        if path == "/api/v1/Interests":
            return self._uk_interests_page(query)
        match = _UK_INTEREST.match(path)
        if match:
            return self._uk_interest(int(match.group(1)))
        if path == "/api/Members/Search":
            return self._uk_members_search(query)
        match = _UK_MEMBER.match(path)
        if match:
            return self._uk_member(int(match.group(1)))

        if path == EU_FULL_LIST_PATH:
            return _xml_reply(
                [r for i, r in self.eu_meps if i not in self.eu_outgoing_ids]
            )
        if path == EU_OUTGOING_PATH:
            return _xml_reply([r for i, r in self.eu_meps if i in self.eu_outgoing_ids])
        if path == INTEGRITYWATCH_PATH:
            return _file_reply(self.integritywatch, "application/json")
        if path == CALIFORNIA_PATH:
            return _file_reply(self.california_csv, "text/csv; charset=utf-8")
        return None

    def _uk_interests_page(self, query: dict[str, str]) -> Reply:
        member_id = query.get("memberid")
        category_id = query.get("categoryid")
        expand = query.get("expandchildinterests", "").lower() == "true"
        items = [
            interest
            for interest in self.uk_interests * max(1, self.uk_repeat)
            if (not member_id or str(interest["member"]["id"]) == member_id)
            and (not category_id or str(interest["category"]["id"]) == category_id)
        ]
        if not expand:
            items = [
                {k: v for k, v in item.items() if k != "childInterests"}
                for item in items
            ]
        skip = int(query.get("skip") or 0)
        take = min(
            int(query.get("take") or UK_INTERESTS_TAKE_CAP), UK_INTERESTS_TAKE_CAP
        )
        body = {
            "skip": skip,
            "take": take,
            "totalResults": len(items),
            "items": items[skip : skip + take],
            "links": [],
        }
        return _json_reply(body)

    def _uk_interest(self, interest_id: int) -> Reply:
        for interest in self.uk_interests:
            if interest["id"] == interest_id:
                return _json_reply(interest)
        return _json_reply({"title": "Not Found", "status": 404}, 404)

    def _uk_members_search(self, query: dict[str, str]) -> Reply:
        house = query.get("house")
        current = query.get("iscurrentmember", "").lower()
        members = [
            member
            for member in self.uk_members * max(1, self.uk_repeat)
            if (not house or str(_membership(member).get("house")) == house)
            and (not current or _is_current(member) == (current == "true"))
        ]
        skip = int(query.get("skip") or 0)
        take = int(query.get("take") or 20)
        body = {
            "items": members[skip : skip + take],
            "totalResults": len(members),
            "resultContext": "",
            "skip": skip,
            "take": take,
            "links": [],
        }
        return _json_reply(body)

    def _uk_member(self, member_id: int) -> Reply:
        for member in self.uk_members:
            if member["value"]["id"] == member_id:
                return _json_reply(member)
        return _json_reply({"title": "Not Found", "status": 404}, 404)

    # The Senate session

    def _new_csrf(self) -> str:
        secret = secrets.token_urlsafe(24)
        with self._lock:
            self._csrf_valid.add(secret)
        return secret

    def _mask(self, secret: str) -> str:
        # Django shows a masked form of the cookie's secret in forms; either is valid.
        masked = secrets.token_urlsafe(36)
        with self._lock:
            self._csrf_masks[masked] = secret
        return masked

    def _csrf_ok(
        self, form: dict[str, str], cookies: dict[str, str], headers: dict[str, str]
    ) -> bool:
        cookie = cookies.get("csrftoken", "")
        posted = form.get("csrfmiddlewaretoken", "")
        with self._lock:
            secret = self._csrf_masks.get(posted, posted)
            valid = cookie in self._csrf_valid
        return (
            bool(cookie) and valid and secret == cookie and bool(headers.get("Referer"))
        )

    def _has_session(self, cookies: dict[str, str]) -> bool:
        with self._lock:
            return cookies.get("sessionid", "") in self._sessions

    # Recording and overrides (called by the handler)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _take_override(self, path: str) -> Override | None:
        with self._lock:
            override = self.overrides.get(path)
            if override is None:
                return None
            if override.times is not None and override.used >= override.times:
                return None
            override.used += 1
            return override


class _Handler(BaseHTTPRequestHandler):
    fixture: FixtureServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; Nagle would hold the body back.
    disable_nagle_algorithm = True
    server_version = "fixture-server"
    sys_version = ""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self, method: str) -> None:
        fixture = self.fixture
        if fixture.latency:
            time.sleep(fixture.latency)

        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        form = {
            key: values[-1]
            for key, values in parse_qs(raw.decode("utf-8", "replace")).items()
        }
        cookies = _cookies(self.headers.get("Cookie", ""))
        headers = {
            name: self.headers[name]
            for name in RECORDED_HEADERS
            if name in self.headers
        }
        fixture._record(
            RecordedRequest(
                method, parts.path, parts.query, headers, tuple(sorted(cookies)), form
            )
        )

        override = fixture._take_override(parts.path)
        if override is not None and override.huge_bytes is not None:
            self._send_huge(override)
            return

        reply = None
        if override is None or override.body is None:
            try:
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                reply = fixture.route(method, parts.path, form, cookies, headers, query)
            except Exception as error:
                # A bad request from the code under test shows up as a 500 with the cause.
                reply = Reply(500, repr(error).encode(), "text/plain")
        if override is not None:
            reply = _apply(override, reply)
        assert reply is not None
        self._send(reply, headers, truncate=bool(override and override.truncate))

    def _send(
        self, reply: Reply, request_headers: dict[str, str], truncate: bool
    ) -> None:
        fixture = self.fixture
        status, body = reply.status, reply.body
        extra = dict(reply.headers)
        if reply.validators and status == 200:
            etag = fixture.etag_of(body)
            extra.setdefault("ETag", etag)
            extra.setdefault("Last-Modified", fixture.last_modified)
            if _not_modified(request_headers, etag, fixture.last_modified):
                status, body = 304, b""

        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        for cookie in reply.cookies:
            self.send_header("Set-Cookie", cookie)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()

        if truncate:
            self._write(body[: len(body) // 2])
            self.close_connection = True
            return
        self._write(body)

    def _send_huge(self, override: Override) -> None:
        size = override.huge_bytes or 0
        self.send_response(override.status)
        self.send_header("Content-Type", "application/pdf")
        if override.declare_length:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()

        chunk = b"%PDF-1.7\n" + b"0" * (64 * 1024 - 9)
        sent = 0
        while sent < size:
            piece = chunk[: min(len(chunk), size - sent)]
            if not self._write(piece):
                return
            sent += len(piece)
        self.close_connection = True

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up on the body (a size limit); that is its right.
            self.close_connection = True
            return False
        return True


def _apply(override: Override, reply: Reply | None) -> Reply:
    result = reply or Reply(override.status)
    if override.body is not None:
        result = Reply(override.status, override.body, result.content_type)
    elif override.status != 200:
        result.status = override.status
        result.validators = False
    result.headers.update(override.headers)
    if override.retry_after is not None:
        result.headers["Retry-After"] = override.retry_after
    if override.redirect_to is not None:
        status = override.status if 300 <= override.status < 400 else 302
        result = Reply(status, b"", headers={"Location": override.redirect_to})
    return result


def _not_modified(headers: dict[str, str], etag: str, last_modified: str) -> bool:
    if "If-None-Match" in headers:
        tags = [tag.strip() for tag in headers["If-None-Match"].split(",")]
        return etag in tags or "*" in tags
    since = headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        asked = email.utils.parsedate_to_datetime(since)
        modified = email.utils.parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False
    return modified <= asked


def _cookies(header: str) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            cookies[name] = value
    return cookies


def _row_key(row: list[str]) -> tuple[str, str]:
    match = _ROW_UUID.search(row[3]) if len(row) > 3 else None
    return (match.group(1), match.group(2)) if match else ("", "")


@functools.lru_cache(maxsize=8)
def _zip_index(folder: Path, year: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for suffix in ("txt", "xml"):
            archive.write(folder / f"{year}FD.{suffix}", f"{year}FD.{suffix}")
    return buffer.getvalue()


def _mep_records(data: bytes) -> list[tuple[str, bytes]]:
    """Return each ``<mep>`` record of the MEP list with its EP id, as published."""
    records = []
    for record in re.findall(rb"<mep>.*?</mep>", data, re.DOTALL):
        found = re.search(rb"<id>\s*(\d+)\s*</id>", record)
        records.append((found.group(1).decode() if found else "", record))
    return records


def _xml_reply(records: list[bytes]) -> Reply:
    body = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><meps>'
        + b"".join(records)
        + b"</meps>"
    )
    return Reply(200, body, "application/xml; charset=utf-8")


def _json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(value).encode(), "application/json; charset=utf-8")


def _file_reply(body: bytes | None, content_type: str) -> Reply:
    if body is None:
        return _not_found()
    return Reply(200, body, content_type, validators=True)


def _membership(member: dict[str, Any]) -> dict[str, Any]:
    membership = member.get("value", {}).get("latestHouseMembership") or {}
    return membership if isinstance(membership, dict) else {}


def _is_current(member: dict[str, Any]) -> bool:
    status = _membership(member).get("membershipStatus") or {}
    return bool(status.get("statusIsActive"))


def _published_file(path: Path) -> Reply:
    kinds = {".csv": "text/csv; charset=utf-8", ".json": "application/json"}
    kind = kinds.get(path.suffix.lower(), "application/octet-stream")
    return Reply(200, path.read_bytes(), kind, validators=True)


def _not_found() -> Reply:
    return Reply(404, b"<html><body><h1>Not Found</h1></body></html>")


def _redirect(location: str) -> Reply:
    return Reply(302, b"", headers={"Location": location})


def _csrf_failure() -> Reply:
    return Reply(
        403,
        b"<html><body><h1>Forbidden (403)</h1><p>CSRF verification failed. "
        b"Request aborted.</p></body></html>",
    )


def _home_page(token: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>eFD: Home</title></head>
<body>
<div class="container">
  <h1>Senate Financial Disclosures</h1>
  <p>Prohibition on use of information: ...</p>
  <form id="agreement_form" action="/search/home/" method="post">
    <input type="hidden" name="csrfmiddlewaretoken" value="{token}">
    <div class="form-check">
      <input class="form-check-input" type="checkbox" name="prohibition_agreement"
             value="1" id="agree_statement">
      <label class="form-check-label" for="agree_statement">I understand the
        prohibitions on obtaining and use of financial disclosure reports.</label>
    </div>
  </form>
</div>
</body></html>
""".encode()


def _search_page(token: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>eFD: Search</title></head>
<body>
<form id="searchForm" method="post" action="/search/">
  <input type="hidden" name="csrfmiddlewaretoken" value="{token}">
</form>
<table id="filedReports" class="table"></table>
</body></html>
""".encode()


@pytest.fixture
def fixture_server(fixtures: Path) -> Iterator[FixtureServer]:
    """Yield a started server of the fixture documents; stop it afterwards."""
    with FixtureServer(fixtures) as server:
        yield server
