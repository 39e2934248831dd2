"""Kabar's Indonesian for Wagtail's admin (kabar/locale_wagtail): every msgid of the apps an
editor or a moderator meets has an entry, placeholders intact, compiled, and served."""

import gettext
import importlib.util
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "kabar" / "locale_wagtail" / "id" / "LC_MESSAGES"

_spec = importlib.util.spec_from_file_location(
    "wagtail_messages", ROOT / "scripts" / "wagtail_messages.py"
)
wagtail_messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wagtail_messages)


def test_every_admin_msgid_of_the_installed_wagtail_has_indonesian():
    gaps = wagtail_messages.missing()
    listing = "\n".join(f"{d} [{c}] {m!r}: {why}" for d, c, m, why in gaps[:50])
    assert gaps == [], (
        f"{len(gaps)} Wagtail admin msgids lack Indonesian; run "
        f"`scripts/wagtail_messages.py update`, translate, compile:\n{listing}"
    )
    assert len(wagtail_messages.source_entries()) > 1500


@pytest.mark.parametrize("domain", wagtail_messages.DOMAINS)
def test_catalogue_is_valid_and_compiled(domain):
    po = polib.pofile(str(CATALOGUE / f"{domain}.po"))
    assert po.metadata["Language"] == "id"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert po.fuzzy_entries() == [] and po.untranslated_entries() == []
    with open(CATALOGUE / f"{domain}.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for entry in po.translated_entries():
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            assert mo.ngettext(msgid, entry.msgid_plural, 5) == entry.msgstr_plural[0], msgid
        else:
            assert mo.gettext(msgid) == entry.msgstr, msgid


def test_terms_match_kabars_public_site():
    """The words of Kabar's own catalogue, never the older id_ID ones Wagtail ships."""
    po = polib.pofile(str(CATALOGUE / "django.po"))
    by_msgid = {e.msgid: wagtail_messages.translation_of(e) for e in po if not e.msgctxt}
    expected = {
        "Reports": "Laporan",
        "Help": "Bantuan",
        "Snippets": "Cuplikan",
        "Settings": "Pengaturan",
        "Workflows": "Alur kerja",
        "Publish": "Terbitkan",
        "Save draft": "Simpan draf",
        "Edit": "Sunting",
        "Images": "Gambar",
        "Documents": "Dokumen",
        "Locked": "Dikunci",
        "Live": "Tayang",
        "Password": "Kata sandi",
    }
    assert {k: by_msgid[k] for k in expected} == expected
    stale = ["publikasi", "konsep", "potongan", "surel", "kata kunci"]
    offending = [
        (e.msgid, text)
        for e in po
        for text in [wagtail_messages.translation_of(e).lower()]
        if any(word in text for word in stale) and "kata kunci pencarian" not in text
    ]
    assert offending == []


def test_django_serves_kabars_indonesian_and_english_stays_english():
    with translation.override("id"):
        assert translation.gettext("Reports") == "Laporan"
        assert translation.gettext("Help") == "Bantuan"
        assert translation.gettext("Save draft") == "Simpan draf"
        assert translation.pgettext("A tag name", "name") == "nama"
        count = translation.ngettext("Delete 1 page", "Delete %(counter)s pages", 3)
        assert count % {"counter": 3} == "Hapus 3 halaman"
        # Kabar's own catalogue wins where both have a msgid ("Section" is a Rubrik).
        assert translation.gettext("Section") == "Rubrik"
    with translation.override("en"):
        assert translation.gettext("Reports") == "Reports"
        assert translation.gettext("Save draft") == "Save draft"


def test_kabars_catalogue_comes_first_so_makemessages_never_writes_here():
    """makemessages puts a source file's msgids into the first LOCALE_PATHS entry beside
    it: that must be kabar/locale, or `make messages` would fill this catalogue with
    Kabar's own strings (and --no-obsolete would drop Wagtail's)."""
    paths = [Path(p).resolve() for p in settings.LOCALE_PATHS]
    assert paths[0] == (ROOT / "kabar" / "locale").resolve()
    assert (ROOT / "kabar" / "locale_wagtail").resolve() in paths[1:]


def test_the_check_names_a_missing_msgid_and_a_lost_placeholder(tmp_path):
    for domain in wagtail_messages.DOMAINS:
        shutil.copy(CATALOGUE / f"{domain}.po", tmp_path / f"{domain}.po")
    po = polib.pofile(str(tmp_path / "django.po"))
    po.remove(next(e for e in po if e.msgid == "Reports"))
    entry = next(e for e in po if e.msgid == "Page '%(page_title)s' has been published.")
    entry.msgstr = "Halaman telah diterbitkan."
    po.save(str(tmp_path / "django.po"))

    gaps = {(m, why) for _d, _c, m, why in wagtail_messages.missing(tmp_path)}

    assert gaps == {
        ("Reports", "no Indonesian"),
        ("Page '%(page_title)s' has been published.", "lost ['%(page_title)s']"),
    }


def test_update_adds_what_wagtail_added_untranslated(tmp_path):
    for domain in wagtail_messages.DOMAINS:
        shutil.copy(CATALOGUE / f"{domain}.po", tmp_path / f"{domain}.po")
    po = polib.pofile(str(tmp_path / "djangojs.po"))
    po.remove(next(e for e in po if e.msgid == "Saving..."))
    po.append(polib.POEntry(msgid="A string Wagtail no longer has", msgstr="Tak ada lagi"))
    po.save(str(tmp_path / "djangojs.po"))

    assert wagtail_messages.update(tmp_path) == (1, 1)

    after = polib.pofile(str(tmp_path / "djangojs.po"))
    assert [e.msgid for e in after.untranslated_entries()] == ["Saving..."]
    assert wagtail_messages.missing(tmp_path) == [("djangojs", None, "Saving...", "no Indonesian")]
