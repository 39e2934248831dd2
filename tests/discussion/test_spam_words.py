"""Links limit and the moderation / disallowed word lists."""

import random

import pytest
from wagtail.models import Site

from kabar.discussion.models import Comment, CommentStatus, DiscussionSettings
from kabar.discussion.policy import Rules
from kabar.discussion.spam import assess, words
from kabar.discussion.spam.words import WordList, compiled
from tests import builders

pytestmark = pytest.mark.django_db


def comment(body="Komentar biasa saja.", **fields):
    values = {
        "author_name": "Dewi",
        "author_email": "dewi@example.org",
        "author_url": "",
        "ip_address": "203.0.113.9",
        "user_agent": "Mozilla/5.0",
        **fields,
    }
    return Comment(page_id=1, body=body, **values)


def verdict_for(item, **rules):
    return assess(item, article=None, rules=Rules(**rules), context=None)


def rule_reasons(verdict, rule):
    return [r for r in verdict.reasons if r["rule"] == rule]


def test_plain_comment_passes_every_check():
    verdict = verdict_for(comment(), moderation_words="judi", disallowed_words="kasino")
    assert verdict.status == CommentStatus.APPROVED
    assert verdict.reasons == []


def test_links_at_the_limit_are_held():
    two = comment("Lihat https://a.example/x dan www.b.example sekarang.")
    verdict = verdict_for(two, links_to_hold=2)
    assert verdict.status == CommentStatus.PENDING
    assert rule_reasons(verdict, "links") == [
        {"rule": "links", "effect": "hold", "detail": "2 links (limit 2)"}
    ]


def test_links_under_the_limit_pass():
    assert not rule_reasons(
        verdict_for(comment("Sumber: https://bps.go.id"), links_to_hold=2), "links"
    )


def test_links_limit_zero_switches_the_check_off():
    many = comment(" ".join(f"https://x{i}.example" for i in range(10)))
    assert not rule_reasons(verdict_for(many, links_to_hold=0), "links")


FIELDS = [
    ("comment", {"body": "Ayo main judi di sini."}, "judi"),
    ("name", {"author_name": "Pak Judi"}, "judi"),
    ("email", {"author_email": "promo@judi.example"}, "judi"),
    ("website", {"author_url": "https://judi.example/daftar"}, "judi"),
    ("IP", {"ip_address": "192.0.2.44"}, "192.0.2."),
    ("user agent", {"user_agent": "SpamBot/2.1 (+http://bot.example)"}, "spambot"),
]


@pytest.mark.parametrize(("label", "fields", "word"), FIELDS, ids=[f[0] for f in FIELDS])
def test_moderation_word_in_any_field_holds(label, fields, word):
    verdict = verdict_for(comment(**fields), moderation_words=f"kata lain\n{word}\n")
    assert verdict.status == CommentStatus.PENDING
    [found] = rule_reasons(verdict, "moderation_words")
    assert found["effect"] == "hold"
    assert found["detail"] == f"'{word}' in {label}"


@pytest.mark.parametrize(("label", "fields", "word"), FIELDS, ids=[f[0] for f in FIELDS])
def test_disallowed_word_in_any_field_trashes(label, fields, word):
    verdict = verdict_for(comment(**fields), disallowed_words=word)
    assert verdict.status == CommentStatus.TRASH
    [found] = rule_reasons(verdict, "disallowed_words")
    assert found == {
        "rule": "disallowed_words",
        "effect": "trash",
        "detail": f"'{word}' in {label}",
    }


def test_whole_words_only_so_a_longer_word_is_not_caught():
    # WordPress would trash "analisis" for "anal"; a reader's comment is not a substring.
    verdict = verdict_for(comment("Analisis yang tajam, terima kasih."), disallowed_words="anal")
    assert verdict.status == CommentStatus.APPROVED


def test_star_lets_an_entry_run_into_longer_words():
    matcher = WordList(["judi*", "*gacor"])
    assert matcher.find("situs judionline dan slotgacor") == ["judi*", "*gacor"]
    assert matcher.find("judicial review") == ["judi*"]
    assert matcher.find("pengadilan") == []


def test_phrases_and_case_and_disguises_are_matched():
    matcher = WordList(["slot gacor", "judi"])
    assert matcher.find("Info SLOT   GACOR hari ini") == []  # spacing is part of a phrase
    assert matcher.find("Info SLOT GACOR hari ini") == ["slot gacor"]
    assert matcher.find("ＪＵＤＩ online") == ["judi"]  # full-width letters
    assert matcher.find("𝐣𝐮𝐝𝐢 online") == ["judi"]  # mathematical bold
    assert matcher.find("ju\u200bdi online") == ["judi"]  # zero-width space


def test_comments_and_blank_lines_in_lists_are_ignored():
    matcher = WordList(["# spam words", "", "   ", "*", "obat kuat"])
    assert [e.text for e in matcher.entries] == ["obat kuat"]


def test_list_is_compiled_once_per_distinct_text():
    text = "judi\nslot\n"
    assert compiled(text) is compiled(text)
    assert compiled(text) is not compiled(text + "togel\n")


def test_settings_lists_apply_to_stored_comments(article):
    stored = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    stored.disallowed_words = "kasino"
    stored.moderation_words = "pinjol"
    stored.save()
    trashed = builders.submit(article, body="Kasino terbaik di kota.")
    held = builders.submit(article, body="Awas pinjol ilegal.", email="lain@example.org")
    assert trashed.status == CommentStatus.TRASH
    assert held.status == CommentStatus.PENDING
    assert any(r["rule"] == "moderation_words" for r in held.reasons)


def ten_thousand_words():
    generator = random.Random(3)
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    listed = set()
    while len(listed) < 10_000:
        listed.add("".join(generator.choice(alphabet) for _ in range(generator.randint(3, 12))))
    return sorted(listed)


ADVERSARIAL = [
    # One endless word: every position extends a partial match of some entry.
    "a" * 65_525,
    # Near-misses of listed entries, separated so every one ends a word.
    ("aaab " * 13_105)[:65_525],
    # Regex-killer shapes, for comparison with a backtracking matcher.
    ("ab" * 32_762 + "!")[:65_525],
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=["one-word", "near-misses", "alternating"])
def test_ten_thousand_words_against_a_pathological_comment_take_linear_steps(text):
    listed = ten_thousand_words() + ["a" * n for n in range(1, 60)] + ["aaab*", "*ba"]
    matcher = WordList(listed)
    assert len(matcher.entries) >= 10_000
    stats = {}
    matcher.find(text, limit=10**6, stats=stats)
    # Bounded by the text, not by the list: a few steps per character at most.
    assert stats["steps"] <= 4 * len(text) + 60 * text.count(" ") + 60


def test_ten_thousand_word_lists_still_find_what_they_should():
    listed = ten_thousand_words()
    text = ("lorem ipsum " * 5000) + listed[7777] + " akhir"
    verdict = verdict_for(comment(text[:65_525]), disallowed_words="\n".join(listed))
    assert verdict.status == CommentStatus.TRASH
    assert listed[7777] in rule_reasons(verdict, "disallowed_words")[0]["detail"]


def test_matching_work_does_not_grow_with_the_list():
    text = "kata biasa dalam komentar " * 2000
    small, big = {}, {}
    WordList(["judi", "slot"]).find(text, stats=small)
    WordList(ten_thousand_words()).find(text, stats=big)
    assert big["steps"] <= 3 * small["steps"]


def test_compiled_lists_are_cached(monkeypatch):
    compiled.cache_clear()
    built = []
    original = words.WordList.__init__

    def counting(self, lines):
        built.append(1)
        original(self, lines)

    monkeypatch.setattr(words.WordList, "__init__", counting)
    for _ in range(5):
        verdict_for(comment("apa saja"), moderation_words="judi\nslot")
    assert len(built) == 1
