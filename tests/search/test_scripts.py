"""Reader search in scripts that write vowels and viramas as combining marks (Devanagari,
Bengali, Tamil, Thai, Khmer...): a word is found whole, never by its consonants alone."""

import importlib
import re
import unicodedata

import pytest
from django.db import connection

from kabar.search import text
from kabar.search.models import SearchEntry
from tests.search.test_search import found, titles

# A village's weekly fair ("मेला"): farmers ("किसान") sell fresh vegetables.
HINDI_TITLE = "गाँव का साप्ताहिक मेला"
HINDI = (
    "हर मंगलवार को गाँव में मेला लगता है। किसान ताज़ी सब्ज़ियाँ और फल बेचते हैं। "
    "महिलाएँ हाथ से बने कपड़े और मिट्टी के बर्तन लाती हैं। शाम तक चौक पर भीड़ रहती है।"
)
# The village market opens every Tuesday; villagers bring fresh vegetables to sell from dawn.
THAI = "ตลาดนัดหมู่บ้านเปิดทุกวันอังคาร ชาวบ้านนำผักสดมาขายตั้งแต่เช้า"


def has_mark(word):
    return any(unicodedata.category(ch).startswith("M") for ch in word)


@pytest.mark.parametrize(
    "word",
    [
        "हिन्दी",  # Hindi (Devanagari)
        "বাজার",  # Bengali: market
        "சந்தை",  # Tamil: market
        "సంత",  # Telugu: market
        "ಸಂತೆ",  # Kannada: market
        "ചന്ത",  # Malayalam: market
        "બજાર",  # Gujarati: market
        "ਬਾਜ਼ਾਰ",  # Punjabi (Gurmukhi): market
        "පොළ",  # Sinhala: market
        "ផ្សារ",  # Khmer: market
        "ဈေး",  # Burmese: market
        "หมู่บ้าน",  # Thai: village
        "ຕະຫຼາດ",  # Lao: market
        "e\u0323\u0301ko\u0323\u0301",  # Yoruba ẹ́kọ́ (lesson): no composed form for ẹ́
    ],
)
def test_a_word_written_with_marks_is_one_word(word):
    written = unicodedata.normalize("NFKC", word)
    assert has_mark(written)
    assert text.words(f"({word}), {word}.") == [written, written]


def test_a_word_starts_with_a_letter_or_digit():
    assert text.words("\u0301 a\u0301b") == ["áb"]


def test_a_hindi_word_finds_its_article(client, publish):
    publish(HINDI_TITLE, HINDI)
    publish("Pasar desa", "Petani menjual sayur segar setiap Selasa.")
    assert titles(found(client, "किसान")) == [HINDI_TITLE]


@pytest.mark.parametrize("query", ["माला", "मील"])  # garland, mile: "मेला"'s consonants
def test_a_hindi_word_sharing_only_the_consonants_finds_nothing(client, publish, query):
    publish(HINDI_TITLE, HINDI)
    assert titles(found(client, "मेला")) == [HINDI_TITLE]
    assert titles(found(client, query)) == []


def test_a_hindi_match_is_marked_whole_in_the_snippet(client, publish):
    publish(HINDI_TITLE, HINDI)
    (_article, snippet), *_ = found(client, "किसान").context["results"]
    assert "है। <mark>किसान</mark> ताज़ी" in snippet
    assert snippet.count("<mark>") == 1


def test_a_thai_phrase_written_in_the_article_finds_it(client, publish):
    publish("ตลาดนัด", THAI)
    publish("Pasar desa", "Petani menjual sayur segar setiap Selasa.")
    response = found(client, "ชาวบ้านนำผักสดมาขายตั้งแต่เช้า")
    assert titles(response) == ["ตลาดนัด"]
    (_article, snippet), *_ = response.context["results"]
    assert snippet.count("<mark>") == 1


def test_a_query_cut_inside_a_hindi_word_leaves_that_word_out():
    # Cut between "क" and its vowel sign: "क" alone is another word.
    raw = "pasar " * 33 + " किसान"
    assert raw[text.MAX_QUERY_CHARS - 1 : text.MAX_QUERY_CHARS + 1] == "कि"
    assert text.query_words(raw) == ["pasar"]


@pytest.mark.sqlite
def test_the_fts5_index_holds_words_with_their_marks(publish):
    article = publish(HINDI_TITLE, HINDI)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH '\"किसान\"'")
        assert cursor.fetchall() == [(SearchEntry.objects.get(page_id=article.pk).position,)]
        cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH '\"क\"'")
        assert cursor.fetchall() == []


@pytest.mark.postgres
def test_postgres_parses_the_words_with_marks_as_python_splits_them(db):
    # Its parser classifies characters by the database's locale (C.UTF-8 here): the query's
    # words are parsed again there, and must come out whole as they were in the text.
    written = text.clean(f"{HINDI} {THAI} சந்தை ផ្សារ ဈေး e\u0323\u0301ko\u0323\u0301")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token FROM ts_debug('indonesian', %s) WHERE alias <> 'blank'", [written]
        )
        assert [token.lower() for (token,) in cursor.fetchall()] == text.words(written)


def stems_as_before(value, language):
    """Stems as Kabar made them before words kept their marks (a mark split a word)."""
    return " ".join(text.stem(word.lower(), language) for word in re.findall(r"[^\W_]+", value))


def test_the_migration_stems_existing_entries_again(client, publish):
    publish(HINDI_TITLE, HINDI)
    publish("Pasar desa", "Petani menjual sayur segar setiap Selasa.")
    migration = importlib.import_module("kabar.search.migrations.0005_words_keep_marks")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the index as the migrations before made it
            for statement in [*migration.fulltext.SQLITE_BACKWARD, *migration.SQLITE_BACKWARD]:
                cursor.execute(statement)
    for entry in SearchEntry.objects.all():
        entry.stemmed_title = stems_as_before(entry.title, entry.language)
        entry.stemmed_body = stems_as_before(entry.body_text, entry.language)
        entry.save()
    (_article, snippet), *_ = found(client, "किसान").context["results"]
    assert "<mark>" not in snippet  # its stems are the consonants apart

    assert migration.index_anew(SearchEntry, connection) == 1  # the Hindi article's entry

    assert titles(found(client, "माला")) == []
    (_article, snippet), *_ = found(client, "किसान").context["results"]
    assert "<mark>किसान</mark>" in snippet
    assert titles(found(client, "petani")) == ["Pasar desa"]
