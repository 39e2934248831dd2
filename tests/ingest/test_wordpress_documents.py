"""The WordPress importer's files that are not images: a report, minutes, a spreadsheet
become Wagtail documents, the posts' links to them lead to them, and their old addresses
answer 301; a file that could run on this site (PHP, SVG) never becomes one."""

import io
import re
import zipfile

import pytest
from django.test import Client
from django.utils import translation
from wagtail.documents import get_document_model

from kabar.ingest.models import ImportedItem
from kabar.ingest.wordpress.importer import import_wordpress
from tests.ingest.test_wxr_real_formats import AUTHOR, SOURCE, item, page_of, wxr

Document = get_document_model()


def pdf_bytes(text):
    """A small valid PDF of one page showing `text`, its cross-reference table exact."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def docx_bytes():
    """A .docx as Word writes one: a zip of its parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"/>',
        )
        docx.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


PDF = pdf_bytes("Laporan tahunan 2018")
DOCX = docx_bytes()
FILES = {
    "2019/05/laporan.pdf": PDF,
    "2019/05/notulen-rapat.docx": DOCX,
    "2019/05/formulir.php": b"<?php system($_GET['c']); ?>",
    "2019/05/peta.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
}


def attachment(wp_id, title, path, *, url=None):
    url = url or f"{SOURCE}/wp-content/uploads/{path}"
    return item(
        wp_id,
        title,
        post_type="attachment",
        status="inherit",
        post_parent="0",
        extra=f"""
		<wp:attachment_url>{url}</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[{path}]]></wp:meta_value></wp:postmeta>""",  # noqa: E501
    )


ATTACHMENTS = (
    attachment(40, "Laporan tahunan 2018", "2019/05/laporan.pdf")
    + attachment(41, "Notulen rapat redaksi", "2019/05/notulen-rapat.docx")
    + attachment(42, "Formulir", "2019/05/formulir.php")
    + attachment(43, "Peta banjir", "2019/05/peta.svg")
    + attachment(44, "Putusan pengadilan", "2019/05/putusan.pdf")  # not in the folder
)
POST = item(
    50,
    "Laporan tahunan terbit",
    f'<p>Baca <a href="{SOURCE}/wp-content/uploads/2019/05/laporan.pdf">laporannya</a>, '
    '<a href="/wp-content/uploads/2019/05/notulen-rapat.docx">notulen rapat</a> dan '
    f'<a href="{SOURCE}/wp-content/uploads/2019/05/putusan.pdf">putusan</a>.</p>',
)


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    for path, content in FILES.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    return folder


@pytest.fixture
def run(home, media, uploads, tmp_path):
    def run(body=AUTHOR + ATTACHMENTS + POST, *, language="en", **options):
        path = tmp_path / "export.xml"
        path.write_text(wxr(body), encoding="utf-8")
        with translation.override(language):
            return import_wordpress(str(path), uploads=str(uploads), **options)

    return run


def document_of(wp_id):
    record = ImportedItem.objects.get(source=SOURCE, kind="document", wp_id=str(wp_id))
    return Document.objects.get(pk=record.object_id)


def problems(report):
    return {(kind, wp_id): reason for kind, wp_id, _label, reason in report.problems}


def links_in(html, words):
    """The address of the link whose words are `words` in the page's HTML."""
    found = re.search(rf'<a href="([^"]*)"[^>]*>{re.escape(words)}</a>', html)
    assert found, html
    return found.group(1)


def served(response):
    return b"".join(response.streaming_content)


def test_a_pdf_and_a_word_file_become_documents_with_their_titles_and_bytes(run):
    report = run()
    assert report.counts["document"]["created"] == 2, report.lines()
    report_pdf, minutes = document_of(40), document_of(41)
    assert report_pdf.title == "Laporan tahunan 2018"
    assert minutes.title == "Notulen rapat redaksi"
    with report_pdf.open_file() as handle:
        assert handle.read() == PDF
    with minutes.open_file() as handle:
        assert handle.read() == DOCX
    assert report_pdf.file_size == len(PDF) and report_pdf.file_hash
    assert Document.objects.count() == 2


def test_the_posts_links_lead_to_the_documents_and_they_are_served(run):
    run()
    client = Client()
    page = client.get(page_of("post", 50).url)
    assert page.status_code == 200
    html = page.content.decode()
    for wp_id, words, content in ((40, "laporannya", PDF), (41, "notulen rapat", DOCX)):
        href = links_in(html, words)
        assert href == document_of(wp_id).url
        response = client.get(href)
        assert response.status_code == 200
        assert served(response) == content
        # Whatever is in it, nothing of it runs on this site.
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in client.get(document_of(41).url)["Content-Disposition"]


def test_a_document_link_is_stored_as_wagtail_s_link_to_the_document(run):
    run()
    paragraph = next(b for b in page_of("post", 50).body if b.block_type == "paragraph")
    source = paragraph.value.source
    assert f'<a linktype="document" id="{document_of(40).pk}">laporannya</a>' in source
    assert f'<a linktype="document" id="{document_of(41).pk}">notulen rapat</a>' in source
    # The file that never came stays a link to its old address, which answers if it comes.
    assert '<a href="/wp-content/uploads/2019/05/putusan.pdf">putusan</a>' in source


def test_a_second_run_creates_nothing_and_says_unchanged(run):
    run()
    rows = (Document.objects.count(), ImportedItem.objects.count())
    again = run()
    assert again.counts["document"]["unchanged"] == 2
    assert again.total("created") == again.total("updated") == 0, again.lines()
    assert again.redirects["created"] == again.redirects["updated"] == 0
    assert (Document.objects.count(), ImportedItem.objects.count()) == rows


def test_a_renamed_attachment_updates_its_document_s_title(run):
    run()
    renamed = ATTACHMENTS.replace("Laporan tahunan 2018", "Laporan tahunan 2018 (revisi)")
    again = run(AUTHOR + renamed + POST)
    assert again.counts["document"]["updated"] == 1
    assert document_of(40).title == "Laporan tahunan 2018 (revisi)"
    assert Document.objects.count() == 2


def test_a_missing_file_fails_with_its_reason_and_the_rest_comes_in(run):
    report = run()
    assert report.counts["document"]["failed"] == 1
    assert problems(report)[("document", "44")] == (
        "file missing from the uploads folder: 2019/05/putusan.pdf"
    )
    assert page_of("post", 50).live
    assert not ImportedItem.objects.filter(kind="document", wp_id="44").exists()


def test_php_and_svg_files_are_skipped_and_never_become_documents(run, settings):
    # Not even when the settings would let editors upload them.
    settings.WAGTAILDOCS_EXTENSIONS = [*settings.WAGTAILDOCS_EXTENSIONS, "php", "svg"]
    report = run()
    assert report.counts["attachment"]["skipped"] == 2
    reasons = problems(report)
    for wp_id, name in (("42", "formulir.php"), ("43", "peta.svg")):
        assert reasons[("attachment", wp_id)] == (
            f"{name}: a type of file Kabar never serves (it could run as a page or a "
            "program of this site)"
        )
    names = [d.filename for d in Document.objects.all()]
    assert not [n for n in names if n.endswith((".php", ".svg"))]
    assert Document.objects.count() == 2


def test_the_reasons_are_in_the_newsroom_s_language(run):
    reasons = problems(run(language="id"))
    assert reasons[("attachment", "42")] == (
        "formulir.php: jenis berkas yang tidak pernah disajikan Kabar (bisa berjalan sebagai "
        "halaman atau program di situs ini)"
    )


def test_a_type_the_settings_do_not_list_is_skipped_with_its_reason(run, settings):
    settings.WAGTAILDOCS_EXTENSIONS = ["pdf"]
    report = run()
    assert report.counts["document"]["created"] == 1
    assert problems(report)[("attachment", "41")] == (
        "notulen-rapat.docx: neither an image nor a type of document Kabar serves "
        "(WAGTAILDOCS_EXTENSIONS)"
    )


def test_the_old_file_address_answers_301_with_the_document(run):
    run()
    client = Client()
    for path, wp_id in (("2019/05/laporan.pdf", 40), ("2019/05/notulen-rapat.docx", 41)):
        response = client.get(f"/wp-content/uploads/{path}")
        assert response.status_code == 301
        assert response["Location"] == document_of(wp_id).url
    assert client.get("/wp-content/uploads/2019/05/formulir.php").status_code == 404


def test_a_file_outside_the_uploads_folder_is_never_read(run, tmp_path):
    (tmp_path / "rahasia.pdf").write_bytes(PDF)
    report = run(AUTHOR + attachment(45, "Rahasia", "../rahasia.pdf"))
    assert report.counts["document"]["failed"] == 1
    assert problems(report)[("document", "45")].startswith("file missing")
    assert not Document.objects.exists()


def test_a_wordpress_com_address_of_the_file_leads_to_the_same_document(run):
    """An export from WordPress.com names its files there; posts written before the site
    moved link them there, posts written since on the site's own wp-content/uploads."""
    body = (
        AUTHOR
        + attachment(
            40,
            "Laporan tahunan 2018",
            "2019/05/laporan.pdf",
            url="https://wartauji.files.wordpress.com/2019/05/laporan.pdf",
        )
        + item(
            51,
            "Dua tautan",
            '<p><a href="https://wartauji.files.wordpress.com/2019/05/laporan.pdf">lama</a> '
            f'<a href="{SOURCE}/wp-content/uploads/2019/05/laporan.pdf">baru</a></p>',
        )
    )
    run(body)
    html = Client().get(page_of("post", 51).url).content.decode()
    assert links_in(html, "lama") == links_in(html, "baru") == document_of(40).url


def test_a_dry_run_stores_no_document_and_no_file(run, media):
    report = run(dry_run=True)
    assert report.counts["document"]["created"] == 2
    assert not Document.objects.exists()
    assert not ImportedItem.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_a_recording_and_an_old_office_file_become_documents_as_the_project_is_set(run, uploads):
    # What newsrooms' WordPress sites hold besides PDFs: an interview's recording, a budget
    # from before Office 2007.
    (uploads / "2019/05/wawancara.mp3").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\0" * 64)
    (uploads / "2019/05/anggaran.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    report = run(
        AUTHOR
        + attachment(46, "Rekaman wawancara", "2019/05/wawancara.mp3")
        + attachment(47, "Anggaran desa 2006", "2019/05/anggaran.xls")
    )
    assert report.counts["document"]["created"] == 2, report.lines()
    client = Client()
    for wp_id, path in ((46, "2019/05/wawancara.mp3"), (47, "2019/05/anggaran.xls")):
        document = document_of(wp_id)
        assert client.get(f"/wp-content/uploads/{path}")["Location"] == document.url
        response = client.get(document.url)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        assert response["Content-Security-Policy"] == "default-src 'none'"
