"""How the spam checks read text: look-alike letters (UTS #39 skeletons), leetspeak, letters
split apart and spelled-out domains all read as the plain words, and ordinary text,
numbers and addresses read as written."""

from pathlib import Path

import confusable_homoglyphs
import pytest

from kabar.discussion.spam.content import _field_pitch, read_fields, site_label
from kabar.discussion.spam.normalise import (
    host_words,
    normalise,
    normalise_field,
    skeleton,
    skeleton_table,
)
from tests.scaling import growth


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("ѕlot gасоr", "slot gacor"),  # Cyrillic dze, a, es, o
        ("mαhjοng wαys", "mahjong ways"),  # Greek alpha and omicron
        ("ΡΙΝЈΟL", "pinjol"),  # Greek and Cyrillic capitals
        ("𝐬𝐥𝐨𝐭 ｇａｃｏｒ", "slot gacor"),  # mathematical bold, full width
        ("tοgеl оnlіnе", "togel online"),
        ("ju\u200bdi", "judi"),  # zero-width space
    ],
)
def test_look_alike_letters_read_as_latin(written, read):
    assert normalise(written) == read


def test_the_skeleton_table_comes_from_the_shipped_unicode_data():
    data = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    assert data.is_file()  # shipped with the package: nothing is downloaded
    table = skeleton_table()
    assert len(table) > 2000
    assert table[ord("\u0430")] == "a"  # CYRILLIC SMALL LETTER A
    assert table[ord("\u03bf")] == "o"  # GREEK SMALL LETTER OMICRON
    # ASCII is never mapped: "0" and "1" in numbers stay digits.
    assert not any(code < 128 for code in table)
    assert skeleton("harga 1.000 naik 10%") == "harga 1.000 naik 10%"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("SL0T G4C0R", "slot gacor"),
        ("m4xw1n", "maxwin"),
        ("s1tus s1ot", "situs slot"),  # 1 is i before a consonant, l before a vowel
        ("$lot g@cor", "slot gacor"),
        ("p1nj0l", "pinjol"),
        ("slot88", "slot 88"),  # a number attached to a word is split off, not read
    ],
)
def test_leetspeak_in_words_that_mix_letters_and_digits(written, read):
    assert normalise(written) == read


@pytest.mark.parametrize(
    "text",
    [
        "harga beras naik 10% jadi rp 15.000 per kilo pada 2024",
        "cair 1jt dan 5rb",  # quantities, not spelling games
        "covid-19 dan paket 4g",
        "kirim ke budi.santoso@gmail.com ya",
        "togel4d",
    ],
)
def test_numbers_quantities_and_addresses_read_as_written(text):
    assert normalise(text) == text


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("s l o t", "slot"),
        ("g.a.c.o.r", "gacor"),
        ("s-l-o-t", "slot"),
        ("t*o*g*e*l", "togel"),
        ("main s . l . o . t di sini", "main slot di sini"),
    ],
)
def test_letters_split_by_separators_read_as_one_word(written, read):
    assert normalise(written) == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # A run ending in a word's first letter: joined up to the letter before it.
        ("c o m ya", "com ya"),
        ("s.l.o.t.sekarang", "slot.sekarang"),
        # Part of an address or a path: left as written.
        ("a_b_c_d/berkas", "a_b_c_d/berkas"),
        ("x_y_z_w@contoh.id", "x_y_z_w@contoh.id"),
    ],
)
def test_split_letters_end_where_a_word_or_an_address_goes_on(written, read):
    assert normalise(written) == read


@pytest.mark.parametrize("unit", ["a/ ", "a_|", "s l o t ", "b. ", "c - "])
def test_split_letters_are_read_in_time_linear_in_the_text(unit):
    """A run of split letters whose end is refused ("a/ a/ a/ …": each end is followed by
    "/") was scanned to its end and back from every letter, time in the square of its
    length (21,841 × "a/ ", the longest comment, took 6 s of a worker per post, again on
    each moderation). Four times the text must take about four times as long, not 16."""
    small, big = growth(normalise, unit, 1000)
    assert big <= 8 * small + 0.02, (small, big)


def test_initials_and_two_letter_runs_are_not_joined():
    assert normalise("saya dan a b pergi") == "saya dan a b pergi"
    assert normalise("Budi S.H. dari Medan") == "budi s.h. dari medan"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("gacor88 titik com", "gacor88.com"),
        ("maxwin dot net", "maxwin.net"),
        ("hoki77 (dot) xyz", "hoki77.xyz"),
        ("rajaslot[.]vip", "rajaslot.vip"),
        ("spin99 . com", "spin99.com"),
    ],
)
def test_spelled_out_domains_read_as_addresses(written, read):
    assert normalise(written) == read


def test_titik_as_an_ordinary_word_is_left_alone():
    text = "belum ada titik terang, titik banjir ada di tiga desa"
    assert normalise(text) == text


def test_letters_repeated_for_emphasis_count_once():
    assert normalise("gacoooor bangeeet") == "gacor banget"
    assert normalise("www.example.org") == "www.example.org"


def test_host_names_split_into_words():
    assert host_words("slot-gacor88.xyz") == ("slot", "gacor", "88", "xyz")
    assert host_words("www.ojk.go.id") == ("ojk", "go", "id")
    assert host_words("sl0t-g4cor.example") == ("slot", "gacor", "example")


def test_a_commenters_fields_are_read_once_per_process():
    """The name, email and website come again with each comment of a commenter: the
    second comment's are not read again."""
    normalise_field.cache_clear()
    host_words.cache_clear()
    site_label.cache_clear()
    _field_pitch.cache_clear()
    for body in ("Komentar pertama soal banjir.", "Komentar kedua, masih soal banjir."):
        read_fields(body, name="Pembaca T3tap", email="budi.santoso@warga.example", url="")
    assert normalise_field.cache_info().misses == 1
    assert normalise_field.cache_info().hits == 1
    # The email's own domain named, and the pitches looked for in the name and website.
    assert (site_label.cache_info().misses, site_label.cache_info().hits) == (1, 1)
    assert (_field_pitch.cache_info().misses, _field_pitch.cache_info().hits) == (2, 2)
    # The email's local part and its own domain's name, each read once.
    assert host_words.cache_info().misses == 2
    assert host_words.cache_info().hits == 2
    assert normalise_field("Pembaca T3tap") == normalise("Pembaca T3tap") == "pembaca tetap"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        # Split letters are joined before dots are read, so "c o m" is a domain again.
        ("di s-l-o-t-7-7 [dot] c o m ya", "di slot77.com ya"),
        ("w w w . c u a n 4 d . c l u b", "www.cuan4d.club"),
        ("g_a_c_o_r titik com", "gacor.com"),
        ("kunjungi www dot rajaspin dot net", "kunjungi www.rajaspin.net"),
    ],
)
def test_split_letters_and_spelled_dots_together_read_as_an_address(written, read):
    assert normalise(written) == read


def test_underscores_inside_ordinary_words_are_left_alone():
    assert normalise("nama_pengguna saya a_b") == "nama_pengguna saya a_b"
