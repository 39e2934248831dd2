"""Kinds of spam described rather than listed: addresses that imitate a brand or hide behind
a shortener, names that read as adverts, contacts with a sales ask; and the readers who
write about the same things (warnings, hotlines, lucky names) staying public. The learned
score learns kinds of commenter, never a person's name or webmail provider."""

from pathlib import Path

import pytest

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.policy import Rules
from kabar.discussion.spam import assess, classifier
from kabar.discussion.spam.content import lookalike, read_fields
from kabar.discussion.spam.evaluate import read_corpus

CORPUS = Path(__file__).resolve().parent.parent / "data" / "spam_corpus.csv"


@pytest.mark.parametrize(
    "host",
    [
        "netflix-billing-id.com",
        "bri-tarif-baru.web.app",
        "fb-appeal-center.help",
        "paypalresolve.com",
        "secure-login.netlify.app",
        "shopee-pemulihan.vercel.app",
    ],
)
def test_addresses_imitating_a_brand_are_look_alikes(host):
    assert lookalike(host)


@pytest.mark.parametrize(
    "host",
    [
        "netflix.com",
        "help.netflix.com",
        "bri.co.id",
        "m.facebook.com",
        "kompas.com",
        "catatan-warga.blogspot.com",
        "ojk.go.id",
    ],
)
def test_brands_own_addresses_and_ordinary_sites_are_not(host):
    assert not lookalike(host)


def test_bare_shorteners_and_look_alike_hosts_are_read_as_links():
    reading = read_fields("Cek resi di s.id/cekresi99 atau fb-appeal-center.help sekarang")
    assert reading.shortener
    assert "s.id" in reading.body_hosts
    assert "fb-appeal-center.help" in reading.body_hosts
    assert reading.lookalikes == ["fb in fb-appeal-center.help"]


def judged(body, counts=None, **fields):
    comment = Comment(
        page_id=1,
        body=body,
        author_name=fields.get("name", "Pembaca"),
        author_email=fields.get("email", "pembaca@example.org"),
        author_url=fields.get("url", ""),
    )
    return assess(
        comment,
        article=None,
        rules=Rules(),
        context=None,
        counts=counts or classifier.MemoryCounts(),
    )


def test_a_lure_at_a_look_alike_address_is_held_by_the_rules_alone():
    verdict = judged(
        "Langganan Anda ditangguhkan karena pembayaran gagal. Perbarui di "
        "netflix-billing-id.com hari ini."
    )
    assert verdict.status == CommentStatus.PENDING
    assert "look-alike" in verdict.reasons[0]["detail"] or any(
        "account or prize lure" in r["detail"] for r in verdict.reasons
    )


def test_a_reader_warning_about_a_look_alike_address_is_not_held():
    verdict = judged(
        "Hati-hati, ada SMS bilang akun Netflix dibekukan dan suruh buka netflix-billing-id.com. "
        "Itu palsu, jangan diklik."
    )
    assert verdict.status == CommentStatus.APPROVED
    [pitch] = [r for r in verdict.reasons if r["rule"] == "spam_pitch"]
    assert pitch["effect"] == "score"


def test_names_and_webmail_providers_are_not_learned_but_advert_words_are():
    feats = classifier.features(
        "Setuju.", name="Teguh Wijaya", email="teguh.wijaya@proton.me", url=""
    )
    assert not [f for f in feats if f.startswith("n:") and not f.startswith("n:#")]
    assert "e:webmail" in feats
    assert not [f for f in feats if "proton" in f or "teguh" in f]
    advert = classifier.features("Setuju.", name="Daftar Akun Pro", email="x@gmail.com")
    assert {"n:daftar", "n:akun", "n:pro"} <= set(advert)


@pytest.fixture(scope="module")
def trained():
    with CORPUS.open(encoding="utf-8") as stream:
        rows = read_corpus(stream)
    counts = classifier.MemoryCounts()
    classifier.train(
        counts,
        (
            (classifier.features(r.text, name=r.name, email=r.email, url=r.url), r.label)
            for r in rows
        ),
    )
    return counts


@pytest.mark.parametrize(
    "body",
    [
        "Dicari reseller online, penghasilan 6 juta per bulan kerja dari rumah. "
        "Hubungi mbak Tari WA 0813-2020-4545",
        "Jual views live dan followers aktif harga miring, order via WA 0822-1357-2468",
    ],
)
def test_a_pitch_that_asks_to_be_contacted_is_marked_spam(trained, body):
    verdict = judged(body, trained, name="Tari")
    assert verdict.status == CommentStatus.SPAM
    assert any(r["rule"] == "contact" for r in verdict.reasons)


@pytest.mark.parametrize(
    "body",
    [
        "Kalau ragu, hubungi call center resmi bank di nomor yang ada di balik kartu, bukan "
        "nomor dari pesan WA.",
        "Dompet saya jatuh di dekat stasiun pagi tadi, isinya KTP. Yang menemukan mohon kabari "
        "0812-6060-7070, terima kasih.",
    ],
)
def test_readers_naming_hotlines_or_leaving_a_number_are_never_marked_spam(trained, body):
    verdict = judged(body, trained, name="Wahyuni", email="wahyuni@gmail.com")
    assert verdict.status != CommentStatus.SPAM


def spam_taught(*texts):
    """Counts from a corpus where these words came only in spam, as camouflage does."""
    counts = classifier.MemoryCounts()
    spam = [(classifier.features(t), "spam") for t in texts]
    ham = [
        (classifier.features(t), "ham") for t in ("Jalan desa rusak parah.", "Harga beras naik.")
    ]
    classifier.train(counts, spam * 20 + ham * 20)
    return counts


def test_a_comment_that_leads_nowhere_is_never_held_by_the_score_alone():
    counts = spam_taught("Amin, mantap min", "Amin amin, mantap")
    verdict = judged("Amin", counts)
    [learned] = [r for r in verdict.reasons if r["rule"] == "learned_score"]
    assert verdict.score > 0.9
    assert learned["effect"] == "score"
    assert verdict.status == CommentStatus.APPROVED


def test_the_same_score_holds_a_comment_with_a_way_in():
    counts = spam_taught("Amin, mantap min", "Amin amin, mantap")
    verdict = judged("Amin, mantap, WA aku ya", counts)
    assert verdict.score > 0.8
    assert verdict.status in (CommentStatus.PENDING, CommentStatus.SPAM)


def test_reserved_example_addresses_say_nothing_about_the_commenter():
    assert not [
        f for f in classifier.features("Setuju.", email="pembaca@example.org") if f.startswith("e:")
    ]
    assert "e:own" in classifier.features("Setuju.", email="redaksi@warta-desa.id")
