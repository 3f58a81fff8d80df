"""Access and injection (issue 9, part 5): two signed-in advisors, and hostile strings everywhere.

Leaks: Alice, then Bob, then Alice again run the dashboard in one process (every st.cache_data and
st.cache_resource shared and warm with the other's results). On every page, with and without a URL
naming the other's client, nothing of the other's clients may appear in what the browser receives
(the serialised protobuf of every element: text, Arrow tables, chart data, error messages), in any
download the page offers (captured as Streamlit stores it), or in the downloads and reports built
for the viewer by the data layer.

Injection: SQL, HTML/script, markdown, formula, path and control strings used as a client id, a
display name, an advisor, a note, cell values, a column header mapped with a mapping, a status
mapped with a status map, and as filter values in the URL and on the command line. Each must be
stored and read back verbatim, shown verbatim (escaped, never interpreted), and never executed:
every table is still there with the rows it should have.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.reliability.common import Summary, user_tables

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
PAGES = ("overview", "resume", "channels", "timing", "followups", "roster", "client", "data")
AS_OF = "2026-11-01"
AUTH_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-only-cookie-secret",
        "client_id": "bounceback-test",
        "client_secret": "test-only",
        "server_metadata_url": "https://identity.example.org/.well-known/openid-configuration",
    }
}
# each advisor's client, the markers only their data contains, and their e-mail
PEOPLE = {
    "alice@example.org": ("alice_client", ("Acme", "alpha-cv", "Acme seeker", "Acme private note")),
    "bob@example.org": ("bob_client", ("Bobcorp", "bravo-cv", "Bobcorp seeker", "Bobcorp private note")),
}
HEADER = ["company", "role", "applied_on", "status", "channel", "industry", "resume_version"]

# strings that would do something if they were ever executed or interpreted
HOSTILE = (
    "x'); drop table applications; --",
    "' or '1'='1",
    '"; select * from access; --',
    "$client ? :name",
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1)) ![p](https://evil.example/p.png) :red[BIG] **bold**",
    '=HYPERLINK("https://evil.example","ok")',
    "../../etc/passwd",
    "{{7*7}} ${7*7} %s %n",
    "\u202eevil\u200b zero-width",
)


def _rows(company: str, resume: str, count: int = 40) -> list[list[str]]:
    return [[f"{company} {i}", "Analyst", f"2026-0{1 + i % 8}-1{i % 9}", "rejected" if i % 3 else "applied",
             "referral" if i % 2 else "job_board", "software", resume] for i in range(count)]  # fmt: skip


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def build_two_advisors(workdir: Path) -> Path:
    from pipelines.advisors import clients
    from pipelines.load.ingest import ingest_file
    from pipelines.store.db import connect

    path = workdir / "shared.duckdb"
    con = connect(path)
    try:
        for email, (client, (company, resume, display, note)) in PEOPLE.items():
            source = _write_csv(workdir / f"{client}.csv", HEADER, _rows(company, resume))
            assert ingest_file(con, source, client=client).ok
            clients.update_client(con, client, {"display_name": display, "advisor": client})
            clients.add_note(con, client, note, "2026-10-01")
            clients.grant(con, email, "advisor", client)
    finally:
        con.close()
    return path


@contextlib.contextmanager
def _captured_downloads() -> Iterator[list[bytes]]:
    """Every file a page hands to Streamlit's media storage (download buttons), as bytes."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    captured: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def recording(self: Any, path_or_data: str | bytes, *args: Any, **kwargs: Any) -> str:
        captured.append(path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode())
        return original(self, path_or_data, *args, **kwargs)

    MemoryMediaFileStorage.load_and_get_id = recording  # type: ignore[method-assign]
    try:
        yield captured
    finally:
        MemoryMediaFileStorage.load_and_get_id = original  # type: ignore[method-assign]


def _protos(node: Any) -> Iterator[bytes]:
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "SerializeToString"):
        yield proto.SerializeToString()
    for child in getattr(node, "children", {}).values():
        yield from _protos(child)


def screen_bytes(at: Any) -> bytes:
    """What the browser receives for the current run: every element's serialised protobuf."""
    return b"\n".join(_protos(at._tree))


@contextlib.contextmanager
def _database(db: Path) -> Iterator[None]:
    """The dashboard reads its database from BOUNCEBACK_DB: this one, for as long as the block runs
    (never the user's own default database)."""
    before = os.environ.get("BOUNCEBACK_DB")
    os.environ["BOUNCEBACK_DB"] = str(db)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("BOUNCEBACK_DB", None)
        else:
            os.environ["BOUNCEBACK_DB"] = before


def _session(db: Path, email: str, **params: str) -> Any:
    from streamlit.testing.v1 import AppTest

    assert os.environ.get("BOUNCEBACK_DB") == str(db)
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.secrets = json.loads(json.dumps(AUTH_SECRETS))
    at.user = {"is_logged_in": True, "email": email}
    at.query_params.update({"as_of": AS_OF, **params})
    return at.run()


def _data_layer_downloads(db: Path, email: str, other_client: str) -> tuple[list[bytes], list[str]]:
    """The downloads the data layer builds for this viewer (all their data, their client's export and
    report), and the messages it gives when asked for the other's client."""
    from dashboard import data
    from pipelines.advisors import clients
    from pipelines.analyse.scope import Scope
    from pipelines.report.html import build_report
    from pipelines.store.db import connect

    own_client = PEOPLE[email][0]
    con = connect(db)
    try:
        viewer = clients.resolve_viewer(con, email)
        src = data.Source(path=str(db), version=(0, 0, "", 0, viewer))
        payloads = [data.export_csv(src, None)[0].encode(), data.export_csv(src, own_client)[0].encode()]
        payloads.append(build_report(con, Scope(as_of=_date(AS_OF)), own_client, viewer).encode())
        messages = []
        for attempt in (
            lambda: data.export_csv(src, other_client),
            lambda: build_report(con, Scope(as_of=_date(AS_OF)), other_client, viewer),
            lambda: clients.get_client(con, other_client, viewer),
            lambda: clients.list_notes(con, other_client, viewer),
        ):
            try:
                payloads.append(str(attempt()).encode())
            except Exception as e:  # the refusal's text is what is checked
                messages.append(str(e))
        return payloads, messages
    finally:
        con.close()


def _date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


def check_leaks(db: Path, summary: Summary) -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    screens = downloads = 0
    try:
        for email in ("alice@example.org", "bob@example.org", "alice@example.org"):
            own_client, own_markers = PEOPLE[email]
            other_email = next(other for other in PEOPLE if other != email)
            other_client, other_markers = PEOPLE[other_email]
            forbidden = [other_client, *other_markers]
            own_on_screen = own_in_download = False
            # their own client chosen, then a URL naming the other's client and resume version
            for params in ({"client": own_client}, {"client": other_client, "resume_version": other_markers[1]}):
                at = _session(db, email, **params)
                for page in PAGES:
                    with _captured_downloads() as files:
                        at.switch_page(f"app_pages/{page}.py").run()
                        prepare = [button for button in at.button if button.key == "report_prepare"]
                        if prepare:
                            prepare[0].click().run()
                    if at.exception:
                        summary.failures.append(f"{email} {page} {params}: {[e.value for e in at.exception]}")
                        continue
                    screen = screen_bytes(at)
                    screens += 1
                    downloads += len(files)
                    for blob, where in [(screen, "screen"), *((f, "download") for f in files)]:
                        for marker in forbidden:
                            if marker.encode() in blob:
                                summary.failures.append(f"{email} saw {marker!r} of {other_email} ({page}, {where})")
                    own_on_screen = own_on_screen or own_markers[0].encode() in screen
                    own_in_download = own_in_download or any(own_markers[0].encode() in f for f in files)
            # the checks can fail: the same pages and downloads do carry the viewer's own data
            if not (own_on_screen and own_in_download):
                summary.failures.append(f"{email}: own data on screen {own_on_screen}, in a download {own_in_download}")
            payloads, messages = _data_layer_downloads(db, email, other_client)
            downloads += len(payloads)
            for blob in [*payloads, *(m.encode() for m in messages)]:
                for marker in other_markers:
                    if marker.encode() in blob:
                        summary.failures.append(f"{email} got {marker!r} of {other_email} from the data layer")
            if len(messages) != 4:
                summary.failures.append(f"{email}: asking for {other_client} was not refused every time: {messages}")
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
    summary.figures.update({"pages seen as each user": screens, "downloads and reports checked": downloads})


def _shown(text: str, screen: bytes) -> bool:
    """The text is on screen as written: verbatim (tables, plain text) or with the backslashes that
    escape markdown in front of some of its characters (headers and captions)."""
    pattern = "".join(r"\\?" + re.escape(char) for char in text)
    return re.search(pattern.encode(), screen) is not None


def check_injection(db: Path, workdir: Path, summary: Summary) -> None:
    """Every hostile string through every door: stored and shown verbatim, never executed."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from pipelines.advisors import clients
    from pipelines.analyse.scope import Scope
    from pipelines.cli.commands import main
    from pipelines.load.ingest import ingest_file
    from pipelines.report.html import build_report
    from pipelines.store.db import connect

    tried = 0
    for index, text in enumerate(HOSTILE):
        client = f"c{index} {text}"
        # the header is mapped with --map, the statuses with --status-map; channel is a fixed
        # vocabulary (a hostile channel reads as "other"), every other field is kept as written
        header = [f"Firm {text}", "role", "applied_on", "status", "channel", "industry", "resume_version"]
        rows = [[f"{text} {i}", text, "2026-09-0" + str(1 + i % 9), f"Status {text}" if i % 2 else "applied",
                 "referral", text, text] for i in range(12)]  # fmt: skip
        source = _write_csv(workdir / f"hostile_{index}.csv", header, rows)
        con = connect(db)
        try:
            result = ingest_file(
                con, source, client=client, column_map={header[0]: "company"},
                status_map={f"Status {text}": "rejected"},
            )  # fmt: skip
            if not result.ok or result.inserted != 12:
                summary.failures.append(f"{text!r}: the load did not take all 12 rows ({result.status})")
                continue
            clients.update_client(con, client, {"display_name": text, "advisor": text})
            clients.add_note(con, client, text, "2026-10-01")
            cur = con.cursor()
            stored = cur.execute(
                "select company, role, industry, resume_version from applications where client = ?"
                " order by company limit 1",
                [client],
            ).fetchone()
            if stored != (f"{text} 0", text, text, text):
                summary.failures.append(f"{text!r}: not stored verbatim: {stored!r}")
            record = clients.get_client(con, client)
            note = clients.list_notes(con, client)[0].body
            if (record.display_name, record.advisor, note) != (text, text, text):
                summary.failures.append(f"{text!r}: client record or note not verbatim")
            rejected = cur.execute(
                "select count(*) from events e join applications a using (application_id)"
                " where a.client = ? and e.event = 'rejected'",
                [client],
            ).fetchone()[0]
            if rejected != 6:
                summary.failures.append(f"{text!r}: the status map did not apply ({rejected} rejections)")
            report_html = build_report(con, Scope(as_of=_date(AS_OF)), client)
            if "<script>alert" in report_html or "<img src=x" in report_html:
                summary.failures.append(f"{text!r}: the report holds markup unescaped")
            if html.escape(text, quote=False) not in report_html and html.escape(text) not in report_html:
                summary.failures.append(f"{text!r}: the report does not show it")
            tables = set(user_tables(con))
        finally:
            con.close()
        if not {"applications", "events", "access", "clients", "advisor_notes"} <= tables:
            summary.failures.append(f"{text!r}: a table disappeared: {sorted(tables)}")
        # the command line: the client and a --where value, found and read back verbatim in the JSON
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = main(["rates", "--db", str(db), "--client", client, "--by", "resume_version",
                         "--where", f"industry={text}", "--as-of", AS_OF, "--json"])  # fmt: skip
        payload = json.loads(out.getvalue())
        groups = payload.get("groups", [])
        if code != 0 or [g["group"]["resume_version"] for g in groups] != [text] or groups[0]["applications"] != 12:
            summary.failures.append(f"{text!r}: the CLI filter did not find its 12 applications: {payload}")
        # the dashboard, as the local user: the client and a filter value from the URL
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.query_params.update({"as_of": AS_OF, "client": client, "industry": text})
        at.run()
        screens = b""
        for page in ("overview", "resume", "client", "data"):
            at.switch_page(f"app_pages/{page}.py").run()
            if at.exception:
                summary.failures.append(f"{text!r} on {page}: {[e.value for e in at.exception]}")
            screens += screen_bytes(at)
        if not _shown(text, screens):
            summary.failures.append(f"{text!r}: not shown as written on the pages")
        if at.query_params.get("industry") not in (text, [text]):
            summary.failures.append(f"{text!r}: the industry filter from the URL was not kept")
        st.cache_data.clear()
        st.cache_resource.clear()
        tried += 1
    summary.figures.update({"hostile strings tried": tried, "places each was used": 11})


def run(cases: int, seed: int, workdir: Path) -> Summary:
    """`cases` and `seed` are not used: every user, page and hostile string is tried every time."""
    summary = Summary(category="access", command="python -m tests.reliability.report --only access")
    shared = build_two_advisors(workdir)
    with _database(shared):
        check_leaks(shared, summary)
    hostile = workdir / "hostile.duckdb"
    with _database(hostile):
        check_injection(hostile, workdir, summary)
    summary.cases = summary.figures.get("pages seen as each user", 0) + summary.figures.get("hostile strings tried", 0)
    summary.figures["leaks found"] = sum(" saw " in failure or " got " in failure for failure in summary.failures)
    return summary
