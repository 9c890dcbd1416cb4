"""Attachments from the public form and from e-mail: the limits (said on the form, with
nothing stored), the names made safe, the type read from the bytes, the bytes outside
the rows and in step with the transaction, and `store_incoming` for the e-mail import."""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from kundtjanst.attachments import rules, services, storage
from kundtjanst.attachments.models import Attachment, Source
from kundtjanst.core.timeutil import utcnow
from kundtjanst.extensions import db
from kundtjanst.tickets.models import Ticket

from .factories import new_ticket
from .test_fuzz import FUZZ, check_answer, hostile
from .test_intake import question

MB = 1_000_000
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def files_on_disk(app) -> list[Path]:
    root = Path(app.config["ATTACHMENT_DIR"])
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture(autouse=True)
def _own_store(app, tmp_path):
    """Every test its own, empty file store."""
    before = app.config["ATTACHMENT_DIR"]
    app.config["ATTACHMENT_DIR"] = str(tmp_path / "store")
    yield
    app.config["ATTACHMENT_DIR"] = before


def multipart(client, url: str, data: dict):
    """Post ``data`` as multipart/form-data, encoded in memory (the test client would
    spool a large body to a temporary file it never closes)."""
    boundary, body = encode_multipart(MultiDict(data))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def send(client, org, files, **overrides):
    """Post the question form as a browser does: multipart, with ``files`` as
    (name, bytes) in one file input."""
    data = question(org, **overrides)
    data["attachments"] = [
        FileStorage(io.BytesIO(content), name, content_type="application/octet-stream")
        for name, content in files
    ]
    return multipart(client, "/fraga", data)


def stored(app) -> list[Attachment]:
    with app.app_context():
        rows = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
        db.session.expunge_all()
        return rows


def counts(app) -> tuple[int, int]:
    with app.app_context():
        tickets = db.session.scalar(select(func.count()).select_from(Ticket))
        attachments = db.session.scalar(select(func.count()).select_from(Attachment))
        return tickets, attachments


# --- the form --------------------------------------------------------------------------


def test_the_form_posts_files_and_says_what_it_takes(client, org):
    html = client.get("/fraga").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and "multiple" in html
    assert 'for="attachments"' in html
    assert "Högst 5 filer, högst 10 MB per fil och 25 MB sammanlagt" in html


def test_one_file_is_stored_with_what_is_known_of_it(app, client, org):
    response = send(client, org, [("Ritning över altanen.pdf", PDF)])
    assert response.status_code == 302
    [row] = stored(app)
    assert row.filename == "Ritning över altanen.pdf"
    assert row.size == len(PDF)
    assert row.content_type == "application/pdf"
    assert row.source == Source.WEB
    import hashlib

    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    # The bytes are outside the row, under a key nobody chose.
    assert storage.KEY.match(row.storage_key)
    [path] = files_on_disk(app)
    assert path.name == row.storage_key and path.read_bytes() == PDF
    # The receipt lists what came.
    receipt = client.get("/fraga/skickad").get_data(as_text=True)
    assert "Vi tog emot 1 fil:" in receipt and "Ritning över altanen.pdf" in receipt


def test_five_files_are_stored(app, client, org):
    files = [(f"bild{i}.png", PNG + bytes([i])) for i in range(5)]
    assert send(client, org, files).status_code == 302
    assert [r.filename for r in stored(app)] == [name for name, _ in files]
    assert len(files_on_disk(app)) == 5


def test_a_form_sent_twice_stores_its_files_once(app, client, org):
    for _ in range(2):
        response = send(client, org, [("brev.pdf", PDF)], submission="s" * 43)
        assert response.status_code == 302
    assert counts(app) == (1, 1)
    assert len(files_on_disk(app)) == 1


def test_the_files_of_a_post_that_lost_a_race_are_deleted(app, client, org, monkeypatch):
    """Two posts of one form at the same moment: the database's key lets one through;
    the other's ticket and rows roll back, and so do the files it wrote."""
    from kundtjanst.intake import services as intake

    assert send(client, org, [("först.pdf", PDF)], submission="s" * 43).status_code == 302
    real, calls = intake.receipt, []

    def not_yet_committed(submission):
        calls.append(submission)
        return None if len(calls) == 1 else real(submission)

    monkeypatch.setattr(intake, "receipt", not_yet_committed)
    response = send(client, org, [("sedan.pdf", PDF + b"2")], submission="s" * 43)
    assert response.status_code == 302 and len(calls) == 2
    assert counts(app) == (1, 1)
    assert [row.filename for row in stored(app)] == ["först.pdf"]
    assert len(files_on_disk(app)) == 1


def test_a_question_without_files_stores_none(app, client, org):
    # A browser sends an empty, unnamed part for a file input left empty.
    response = send(client, org, [("", b"")])
    assert response.status_code == 302
    assert counts(app) == (1, 0)


def refused(app, response, message: str) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in html and 'href="#attachments"' in html
    assert message in html, html[:3000]
    assert counts(app) == (0, 0)
    assert files_on_disk(app) == []


def test_a_sixth_file_is_refused_and_nothing_stored(app, client, org):
    files = [(f"bild{i}.png", PNG) for i in range(6)]
    refused(app, send(client, org, files), "Du valde 6 filer. Bifoga högst 5.")


def test_a_file_over_10_mb_is_refused_and_nothing_stored(app, client, org):
    response = send(client, org, [("liten.pdf", PDF), ("stor.pdf", b"%PDF" + b"x" * (10 * MB))])
    refused(app, response, "stor.pdf är för stor (10 MB). En fil får vara högst 10 MB.")


def test_files_over_25_mb_together_are_refused_and_nothing_stored(app, client, org):
    files = [(f"del{i}.pdf", b"%PDF" + b"x" * (9 * MB)) for i in range(3)]
    refused(
        app,
        send(client, org, files),
        "Filerna är för stora tillsammans (27 MB). Tillsammans får de vara högst 25 MB.",
    )


def test_a_body_larger_than_any_form_gets_a_page_that_says_so(app, client, org):
    """Beyond ATTACHMENT_REQUEST_BYTES nothing of the form can be read: a clear page
    (413), never a 500, nothing stored. Other pages keep the small limit."""
    app.config["ATTACHMENT_REQUEST_BYTES"] = 30 * MB
    try:
        files = [(f"del{i}.pdf", b"%PDF" + b"x" * (8 * MB)) for i in range(4)]
        response = send(client, org, files)
    finally:
        app.config["ATTACHMENT_REQUEST_BYTES"] = 40 * MB
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Det du skickade är för stort." in html
    assert "högst 10 MB per fil och 25 MB sammanlagt" in html
    assert counts(app) == (0, 0) and files_on_disk(app) == []
    # The status page's form takes no files, and no more than MAX_CONTENT_LENGTH.
    with app.app_context():
        _ticket, token = new_ticket()
    big = multipart(
        client,
        f"/arende/{token}",
        {"message": "x", "f": FileStorage(io.BytesIO(b"x" * 2 * MB), "a")},
    )
    assert big.status_code == 413
    assert "Det du skickade är för stort." in big.get_data(as_text=True)


def test_files_sent_with_other_errors_are_asked_for_again(app, client, org):
    response = send(client, org, [("brev.pdf", PDF)], subject="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Skriv en kort rubrik." in html
    assert "välj dem igen innan du skickar" in html
    assert counts(app) == (0, 0) and files_on_disk(app) == []


def test_other_forms_never_read_files(app, client, org):
    """A file sent to a form that takes none is not its field's value."""
    with app.app_context():
        _ticket, token = new_ticket()
    response = multipart(
        client, f"/arende/{token}", {"message": FileStorage(io.BytesIO(b"hidden"), "message.txt")}
    )
    assert response.status_code == 400
    assert "Skriv ett meddelande." in response.get_data(as_text=True)
    assert counts(app)[1] == 0


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/shadow", "shadow"),
        ("..", rules.DEFAULT_NAME),
        ("räkning\u202efdp.exe", "räkningfdp.exe"),
        ("rad\ttva.txt", "rad tva.txt"),
    ],
)
def test_names_are_made_safe_on_the_form(app, client, org, sent, kept):
    assert send(client, org, [(sent, b"hej")]).status_code == 302
    [row] = stored(app)
    assert row.filename == kept
    [path] = files_on_disk(app)
    assert path.is_relative_to(Path(app.config["ATTACHMENT_DIR"]))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("..\\..\\windows\\system32\\evil.exe", "evil.exe"),
        ("C:\\Users\\eva\\Skrivbord\\brev.docx", "brev.docx"),
        ("  . dold.txt . ", "dold.txt"),
        ("rad\u2028två.txt", "rad två.txt"),
        (None, rules.DEFAULT_NAME),
        ("a" * 300, "a" * rules.NAME_MAX),
        ("x" * 300 + ".verylongextension", ("x" * 300 + ".verylongextension")[: rules.NAME_MAX]),
    ],
)
def test_safe_names(sent, kept):
    assert rules.safe_filename(sent) == kept


def test_a_name_of_a_thousand_characters_is_shortened_keeping_its_extension(app, client, org):
    assert send(client, org, [("å" * 996 + ".pdf", PDF)]).status_code == 302
    [row] = stored(app)
    assert len(row.filename) == rules.NAME_MAX and row.filename.endswith("å.pdf")


@pytest.mark.parametrize(
    "name", ["a\x00b.pdf", "rad\r\nContent-Type: text/html.pdf", "fil\x1b[31m.pdf", "\u202etxt.exe"]
)
def test_control_and_direction_characters_never_reach_a_name(app, org, name):
    with app.app_context():
        ticket, _ = new_ticket()
        assert services.store_incoming(ticket, [(name, None, PDF)]) == []
        db.session.commit()
        [row] = db.session.scalars(select(Attachment))
        assert row.filename.isprintable() and "\u202e" not in row.filename
        assert row.filename.endswith((".pdf", ".exe"))


def test_a_pdf_name_with_html_inside_is_typed_from_its_content(app, client, org):
    html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
    assert send(client, org, [("svar.pdf", html)]).status_code == 302
    [row] = stored(app)
    assert row.filename == "svar.pdf" and row.content_type == "application/octet-stream"


# --- what a file is, from its bytes ---------------------------------------------------


def office(*members: str, mimetype: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored first, plain
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"GIF87a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (office("[Content_Types].xml", "word/document.xml"), rules.DOCX),
        (office("[Content_Types].xml", "xl/workbook.xml"), rules.XLSX),
        (office("content.xml", mimetype=rules.ODT.encode()), rules.ODT),
        (office("a.txt"), rules.OCTET_STREAM),  # any other ZIP
        (b"PK\x03\x04broken", rules.OCTET_STREAM),
        ("Hej, här är min fråga.\nMvh Eva".encode(), rules.TEXT),
        (b"<svg onload=alert(1)>", rules.OCTET_STREAM),
        (b"\x00\x01\x02binary", rules.OCTET_STREAM),
        (b"\xff\xfe\xfa", rules.OCTET_STREAM),
        (b"", rules.OCTET_STREAM),
        (b"MZ\x90\x00", rules.OCTET_STREAM),
    ],
)
def test_the_type_is_read_from_the_bytes(data, kind):
    assert rules.sniff_bytes(data) == kind


def test_text_cut_inside_a_character_is_still_text():
    data = ("å" * (rules.HEAD_BYTES // 2 + 10)).encode()
    head = data[: rules.HEAD_BYTES - 1]  # ends in the middle of an "å"
    assert rules.sniff(head) == rules.TEXT


def test_sizes_and_download_names():
    assert rules.human_size(999) == "999 B"
    assert rules.human_size(10 * MB) == "10 MB"
    assert rules.human_size(1_234_567) == "1,2 MB"
    assert rules.content_disposition("brev.pdf") == 'attachment; filename="brev.pdf"'
    assert rules.content_disposition("Räkning 2026.pdf") == (
        "attachment; filename=\"Rakning 2026.pdf\"; filename*=UTF-8''R%C3%A4kning%202026.pdf"
    )
    assert rules.content_disposition('a";b.txt').startswith('attachment; filename="a__b.txt"')
    assert 'filename="bilaga"' in rules.content_disposition("文件")


# --- from e-mail: store_incoming --------------------------------------------------------


def test_store_incoming_keeps_what_fits_and_says_what_it_left_out(app, org):
    with app.app_context():
        ticket, _ = new_ticket()
        parts = [
            ("brev.pdf", "text/html", PDF),
            ("enorm.tif", "image/tiff", b"I" * (10 * MB + 1)),
            *[(f"foto{i}.jpg", "image/jpeg", b"\xff\xd8\xff" + b"j" * (7 * MB)) for i in range(4)],
            ("sjatte.txt", "text/plain", b"hej"),
        ]
        notes = services.store_incoming(ticket, parts)
        db.session.commit()
        kept = db.session.scalars(select(Attachment.filename).order_by(Attachment.id)).all()
        assert kept == ["brev.pdf", "foto0.jpg", "foto1.jpg", "foto2.jpg", "sjatte.txt"]
        assert notes == [
            "Filen enorm.tif (10 MB) togs inte emot: en fil får vara högst 10 MB.",
            "Filen foto3.jpg (7,0 MB) togs inte emot: en frågas filer får vara högst "
            "25 MB tillsammans.",
        ]
        rows = db.session.scalars(select(Attachment)).all()
        assert {r.source for r in rows} == {Source.EMAIL}
        # The claimed type is not trusted: each is read from the bytes.
        types = {r.filename: r.content_type for r in rows}
        assert types["foto0.jpg"] == "image/jpeg" and types["sjatte.txt"] == rules.TEXT
        # A sixth file is too many, whatever its size.
        more = services.store_incoming(ticket, [("ny.pdf", "application/pdf", PDF)])
        assert more == [
            f"Filen ny.pdf ({len(PDF)} B) togs inte emot: en fråga får ha högst 5 bifogade filer."
        ]
        db.session.commit()
        assert len(files_on_disk(app)) == 5


def test_store_incoming_with_nothing_to_store(app, org):
    with app.app_context():
        ticket, _ = new_ticket()
        assert services.store_incoming(ticket, []) == []
        assert services.store_incoming(ticket, [(None, None, b"")]) == []
        db.session.commit()
        [row] = db.session.scalars(select(Attachment))
        assert row.filename == rules.DEFAULT_NAME and row.size == 0


# --- the bytes and the rows agree ---------------------------------------------------------


def test_a_file_written_in_a_transaction_that_rolls_back_is_deleted(app, org):
    with app.app_context():
        ticket, _ = new_ticket()
        services.store_incoming(ticket, [("brev.pdf", None, PDF)])
        assert len(files_on_disk(app)) == 1  # written before its row
        db.session.rollback()
        assert files_on_disk(app) == []
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_deleted_row_takes_its_file_only_when_the_deletion_commits(app, org):
    with app.app_context():
        ticket, _ = new_ticket()
        services.store_incoming(ticket, [("brev.pdf", None, PDF)])
        db.session.commit()
        ids = select(Ticket.id).where(Ticket.id == ticket.id)
        assert services.delete_for_tickets(ids) == 1
        db.session.rollback()
        assert len(files_on_disk(app)) == 1  # the row is back, and so is its file
        assert services.delete_for_tickets(ids) == 1
        db.session.commit()
        assert files_on_disk(app) == []


def test_the_sweep_deletes_old_files_no_row_names(app, org):
    with app.app_context():
        ticket, _ = new_ticket()
        services.store_incoming(ticket, [("brev.pdf", None, PDF)])
        db.session.commit()
        file_store = storage.store()
        orphan, fresh = storage.new_key(), storage.new_key()
        file_store.put(orphan, [b"left behind"])
        file_store.put(fresh, [b"a request still running"])
        old = time.time() - 7 * 3600
        for key in (orphan, db.session.scalar(select(Attachment.storage_key))):
            os.utime(file_store.path(key), (old, old))
        assert services.sweep_orphans(utcnow()) == 1
        assert not file_store.exists(orphan) and file_store.exists(fresh)
        assert len(files_on_disk(app)) == 2
        assert services.sweep_orphans(utcnow() + timedelta(days=1)) == 1  # now the fresh one


def test_keys_are_never_paths(app):
    with app.app_context():
        file_store = storage.store()
        for key in ("../../etc/passwd", "", "A" * 40, "0" * 39):
            with pytest.raises(ValueError):
                file_store.path(key)


# --- hostile files on the form ------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_hostile_files_on_the_form_never_cause_a_500(app, client, org, data):
    """Names of every kind, bytes of every kind, none to seven files, some too large:
    a receipt with at most five files kept, or the form again with nothing stored."""
    names = st.one_of(hostile.filter(lambda v: isinstance(v, str)), st.just(""))
    contents = st.one_of(
        st.binary(max_size=64),
        st.sampled_from([PDF, PNG, b"<html><script>alert(1)</script>", b"PK\x03\x04"]),
    )
    files = data.draw(st.lists(st.tuples(names, contents), max_size=7), label="files")
    app.config["ATTACHMENT_MAX_FILE_BYTES"] = data.draw(st.sampled_from([40, 10 * MB]))
    try:
        before = counts(app)
        response = send(client, org, [(n.encode("utf-8", "replace").decode(), c) for n, c in files])
    finally:
        app.config["ATTACHMENT_MAX_FILE_BYTES"] = 10 * MB
    check_answer(response, {302, 400})
    tickets, stored_files = counts(app)
    if response.status_code == 400:
        assert (tickets, stored_files) == before
    else:
        assert tickets == before[0] + 1 and stored_files - before[1] <= 5
        with app.app_context():
            names = db.session.scalars(select(Attachment.filename)).all()
        assert all(n and n.isprintable() and "/" not in n and "\\" not in n for n in names)


def test_store_incoming_takes_a_ticket_not_yet_flushed(app, org):
    from kundtjanst.core.vocabulary import Channel
    from kundtjanst.tickets import services as tickets

    with app.app_context():
        contact = tickets.Contact(channel=Channel.EMAIL, subject="Med bilaga", description="")
        ticket, _token = tickets.create_ticket(contact)
        assert services.store_incoming(ticket, [("brev.pdf", "application/pdf", PDF)]) == []
        db.session.commit()
        assert db.session.scalar(select(Attachment.ticket_id)) == ticket.id
