"""The learned score: trained from moderators' decisions, visible in the reasons, and
never the only reason a comment is thrown out."""

import random
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kabar.discussion.models import Comment, CommentStatus, SpamToken
from kabar.discussion.policy import Rules
from kabar.discussion.services import comments_set_status
from kabar.discussion.spam import assess, classifier
from tests import builders

pytestmark = pytest.mark.django_db

SPAM = [
    "Slot gacor hari ini maxwin, deposit receh langsung jackpot, daftar sekarang",
    "Situs judi slot online gacor terpercaya, bonus new member 100 persen",
    "Bocoran pola slot gacor malam ini, dijamin maxwin bosku",
    "Agen judi slot resmi, withdraw cepat, link alternatif anti blokir",
    "Main slot di sini auto maxwin, deposit pulsa tanpa potongan",
]
HAM = [
    "Terima kasih atas liputan banjir di Semarang, sangat membantu warga",
    "Saya kurang setuju dengan kebijakan tarif baru ini karena memberatkan nelayan",
    "Harga beras di pasar dekat rumah saya sudah naik dua kali bulan ini",
    "Semoga pemerintah daerah segera memperbaiki jalan yang rusak di desa kami",
    "Analisis yang jernih soal anggaran pendidikan, mohon dibuat lanjutannya",
]


def stored(article, texts, prefix):
    return [
        builders.submit(article, body=text, name=f"{prefix} {i}", email=f"{prefix}{i}@example.org")
        for i, text in enumerate(texts)
    ]


def moderate(comments, status, capture):
    with capture(execute=True):
        comments_set_status([c.pk for c in comments], status)


def unsaved(body, **fields):
    return Comment(
        page_id=1,
        body=body,
        author_name=fields.get("name", "Pembaca"),
        author_email=fields.get("email", "pembaca@example.org"),
        author_url=fields.get("url", ""),
    )


def learned_reason(verdict):
    found = [r for r in verdict.reasons if r["rule"] == "learned_score"]
    return found[0] if found else None


@pytest.fixture
def trained(article, django_capture_on_commit_callbacks):
    moderate(
        stored(article, SPAM, "spammer"), CommentStatus.SPAM, django_capture_on_commit_callbacks
    )
    moderate(
        stored(article, HAM, "reader"), CommentStatus.APPROVED, django_capture_on_commit_callbacks
    )
    return article


def test_with_no_training_the_classifier_says_nothing(article):
    verdict = assess(
        unsaved("Slot gacor maxwin hari ini"), article=None, rules=Rules(), context=None
    )
    assert learned_reason(verdict) is None
    assert verdict.score is None


def test_with_only_one_kind_learned_it_still_says_nothing(
    article, django_capture_on_commit_callbacks
):
    moderate(
        stored(article, HAM, "reader"), CommentStatus.APPROVED, django_capture_on_commit_callbacks
    )
    verdict = assess(unsaved("Slot gacor maxwin"), article=None, rules=Rules(), context=None)
    assert learned_reason(verdict) is None


def test_moderators_decisions_are_learned(trained):
    docs = SpamToken.objects.get(token=classifier.DOCS)
    assert (docs.ham, docs.spam) == (len(HAM), len(SPAM))
    gacor = SpamToken.objects.get(token="w:gacor")
    assert (gacor.ham, gacor.spam) == (0, 3)


def test_after_training_spam_is_held_and_the_reason_names_the_clues(trained):
    verdict = assess(
        # No pitch the rules know: the score is the only reason.
        unsaved("Daftar slot sekarang, slot receh bosku"),
        article=None,
        rules=Rules(),
        context=None,
    )
    reason = learned_reason(verdict)
    assert verdict.status == CommentStatus.PENDING
    assert reason["effect"] == "hold"
    assert verdict.score >= 0.9
    assert reason["detail"].startswith(f"{verdict.score:.2f} from ")
    assert any(word in reason["detail"] for word in ("'gacor'", "'slot'", "'maxwin'"))


def test_after_training_a_readers_comment_is_only_scored(trained):
    verdict = assess(
        unsaved("Terima kasih, liputan soal harga beras ini sangat membantu warga"),
        article=None,
        rules=Rules(),
        context=None,
    )
    reason = learned_reason(verdict)
    assert reason["effect"] == "score"
    assert verdict.score < 0.5
    assert verdict.status == CommentStatus.APPROVED


def test_the_score_alone_never_marks_spam_but_with_another_signal_it_may(trained):
    # Topic words but no pitch the rules know (a pitch and a near-certain score agree).
    text = "Slot bosku, daftar slot sekarang juga, main slot di sini, deposit receh"
    alone = assess(unsaved(text), article=None, rules=Rules(), context=None)
    assert alone.score >= 0.99
    assert alone.status == CommentStatus.PENDING

    linked = unsaved(f"{text} https://a.example https://b.example")
    agreed = assess(linked, article=None, rules=Rules(links_to_hold=2), context=None)
    assert agreed.status == CommentStatus.SPAM
    assert learned_reason(agreed)["effect"] == "spam"


def test_stored_comments_carry_their_score_and_reason(trained):
    comment = builders.submit(
        trained, body="Link slot gacor maxwin terbaru", email="baru@example.org"
    )
    assert comment.spam_score is not None and comment.spam_score >= 0.9
    assert learned_reason(comment)


def test_reversed_decision_unlearns_the_old_lesson(article, django_capture_on_commit_callbacks):
    [first] = stored(article, ["Komentar yang sempat dikira spam soal slot waktu"], "r")
    moderate([first], CommentStatus.SPAM, django_capture_on_commit_callbacks)
    moderate([first], CommentStatus.APPROVED, django_capture_on_commit_callbacks)
    docs = SpamToken.objects.get(token=classifier.DOCS)
    assert (docs.ham, docs.spam) == (1, 0)
    word = SpamToken.objects.get(token="w:slot")
    assert (word.ham, word.spam) == (1, 0)


def test_the_same_decision_twice_is_learned_once(article, django_capture_on_commit_callbacks):
    [first] = stored(article, ["Komentar biasa"], "r")
    moderate([first], CommentStatus.APPROVED, django_capture_on_commit_callbacks)
    moderate([first], CommentStatus.PENDING, django_capture_on_commit_callbacks)
    moderate([first], CommentStatus.APPROVED, django_capture_on_commit_callbacks)
    assert SpamToken.objects.get(token=classifier.DOCS).ham == 1


def test_trash_and_pending_teach_nothing(article, django_capture_on_commit_callbacks):
    comments = stored(article, ["Satu", "Dua"], "r")
    moderate(comments, CommentStatus.TRASH, django_capture_on_commit_callbacks)
    assert not SpamToken.objects.exists()


def test_learning_from_a_bulk_decision_takes_a_bounded_number_of_queries(
    article, django_assert_max_num_queries
):
    comments = stored(article, [f"Komentar nomor {i} tentang berita" for i in range(30)], "r")
    for comment in comments:
        comment.status = CommentStatus.APPROVED
    with django_assert_max_num_queries(8):
        assert classifier.learn_from_decisions(comments) == 30


def test_scoring_takes_one_query(trained, django_assert_num_queries):
    with django_assert_num_queries(1):
        assess(unsaved("slot gacor"), article=None, rules=Rules(), context=None)


def test_counts_read_once_are_not_asked_for_again(trained, django_assert_num_queries):
    """A process keeps the counts it read lately: the same words again cost no query, new
    words one for themselves alone."""
    verdict = assess(unsaved("slot gacor"), article=None, rules=Rules(), context=None)
    with django_assert_num_queries(0):
        again = assess(unsaved("slot gacor"), article=None, rules=Rules(), context=None)
    assert again.score == verdict.score
    with django_assert_num_queries(1) as counted:
        assess(unsaved("slot gacor zamrud"), article=None, rules=Rules(), context=None)
    asked = counted.captured_queries[0]["sql"]
    assert "w:zamrud" in asked and "w:gacor" not in asked


def test_a_lesson_taught_in_this_process_counts_at_once(
    article, trained, django_capture_on_commit_callbacks
):
    body = "Pendapat tentang zamrud pirus nilam"
    before = assess(unsaved(body), article=None, rules=Rules(), context=None).score
    taught = stored(article, [f"{body} {n}" for n in range(6)], "z")
    moderate(taught, CommentStatus.SPAM, django_capture_on_commit_callbacks)
    after = assess(unsaved(body), article=None, rules=Rules(), context=None).score
    assert after > (before or 0)


def test_counts_kept_too_long_are_read_again(trained, monkeypatch, django_assert_num_queries):
    assess(unsaved("slot gacor"), article=None, rules=Rules(), context=None)
    monkeypatch.setattr(classifier._known, "seconds", -1)
    with django_assert_num_queries(1):
        assess(unsaved("slot gacor"), article=None, rules=Rules(), context=None)


def test_features_are_bounded_for_the_longest_comment():
    feats = classifier.features(
        "kata" + "x" * 65_000 + " " + " ".join(f"w{i}" for i in range(5000))
    )
    assert len(feats) <= classifier.MAX_WORD_FEATURES + classifier.MAX_GRAM_FEATURES + 40
    assert all(len(f) <= 64 for f in feats)


def test_a_word_s_grams_are_made_once_and_each_feature_is_listed_once():
    """Words come again within a comment and from one comment to the next: their grams
    are made once per process, and the features are the same as made afresh, in the
    order the words were first written."""
    classifier.word_grams.cache_clear()
    feats = classifier.features("banjir lagi, banjir lagi di desa")
    words = ["banjir", "lagi", "di", "desa"]
    info = classifier.word_grams.cache_info()
    assert (info.misses, info.hits) == (len(words), 0)
    assert [f for f in feats if f.startswith("w:")] == [f"w:{w}" for w in words]
    padded = [f" {w} " for w in words]
    grams = [f"c:{p[i : i + 4]}" for p in padded for i in range(len(p) - 3)]
    assert [f for f in feats if f.startswith("c:")] == list(dict.fromkeys(grams))
    assert len(feats) == len(set(feats))
    # "tepi" is new; "desa", "di" and "banjir" were kept.
    classifier.features("desa di tepi banjir")
    info = classifier.word_grams.cache_info()
    assert (info.misses, info.hits) == (5, 3)


def test_a_long_word_s_grams_are_not_kept():
    """One word can be a whole comment's 65,000 letters: its grams are made as far as
    wanted and not kept, so posts of such words cannot fill a process's memory."""
    classifier.word_grams.cache_clear()
    rng = random.Random(3)
    word = "".join(rng.choice("bcdfghjklmnpqrstvwxyz") + rng.choice("aeiou") for _ in range(2500))
    feats = classifier.features(f"kata {word} lain")
    # "kata" is kept; the long word's grams reach the limit before "lain" is read.
    info = classifier.word_grams.cache_info()
    assert (info.misses, info.currsize) == (1, 1)
    grams = [f for f in feats if f.startswith("c:")]
    assert len(grams) == classifier.MAX_GRAM_FEATURES
    padded = f" {word} "
    made = dict.fromkeys(f"c:{padded[i : i + 4]}" for i in range(len(padded) - 3))
    assert grams[3:] == list(made)[: classifier.MAX_GRAM_FEATURES - 3]


def test_the_counts_a_post_wants_are_read_with_its_commenter_on_postgresql(
    trained, django_assert_num_queries
):
    """A comment posted asks the database once for the learned counts its checks want and
    this process lacks: on PostgreSQL inside the statement that reads its commenter (a
    statement fewer per post), elsewhere in one of their own. Either way the score is the
    one the table's counts give."""
    classifier.forget_known_counts()
    with CaptureQueriesContext(connection) as counted:
        comment = builders.submit(
            trained,
            body="Slot gacor zamrud pirus, daftar sekarang",
            name="Pembaca Zamrud",
            email="zamrud@example.org",
        )
    reading = [q["sql"] for q in counted.captured_queries if "discussion_spamtoken" in q["sql"]]
    assert len(reading) == 1
    with_commenter = "discussion_commenter" in reading[0]
    assert with_commenter == (connection.vendor == "postgresql")
    assert comment.spam_score is not None
    classifier.forget_known_counts()
    fresh = classifier.score(classifier.features_of(comment), classifier.DatabaseCounts())
    assert comment.spam_score == round(fresh.value, 4)
    # What was read is kept: the same words again ask for no count.
    with django_assert_num_queries(0):
        classifier.DatabaseCounts().lookup(classifier.features_of(comment))


def test_a_flood_of_new_words_holds_the_process_s_spam_memory_to_a_few_megabytes():
    """Every comment of a flood of random text brings new words, hence new letter groups:
    the counts read for them (classifier._known) and the grams made of them
    (word_grams) are kept in each web worker, up to their limits. This flood (about 9,500
    new words, 37,000 new features) kept 4.5 MB at this code's limits (20,000 counts,
    4,096 words) and 10.5 MB at the earlier ones (200,000, 16,384), which a longer flood
    filled: 20 MB and 12 MB of a worker's resident memory."""
    classifier.forget_known_counts()
    classifier.word_grams.cache_clear()
    rng = random.Random(11)
    counts = classifier.DatabaseCounts()

    def word():
        return "".join(rng.choice("bcdfghjklmnprstvwyz") + rng.choice("aiueo") for _ in range(6))

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(170):
            feats = classifier.features(" ".join(word() for _ in range(100)))
            counts.lookup(feats)
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert classifier.word_grams.cache_info().currsize <= classifier.WORDS_KEPT
    # Forgotten once past the limit, before the next comment's counts are kept.
    one_comment = classifier.MAX_WORD_FEATURES + classifier.MAX_GRAM_FEATURES + 50
    assert len(classifier._known.entries) <= classifier.KNOWN_MAX + one_comment
    assert kept < 8_000_000, f"{kept / 1e6:.1f} MB kept"
