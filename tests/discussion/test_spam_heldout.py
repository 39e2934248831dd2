"""`kabar spam-eval --train A.csv --test B.csv`: the whole content decision a posted comment
gets, on spam the classifier never learned, against the newsroom's goals."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kabar import cli
from kabar.discussion.spam.evaluate import cross_validate, evaluate_split, read_corpus

DATA = Path(__file__).resolve().parent.parent / "data"
CORPUS = DATA / "spam_corpus.csv"
HELDOUT = DATA / "spam_heldout.csv"


def rows_of(path):
    with path.open(encoding="utf-8") as stream:
        return read_corpus(stream)


def test_the_heldout_file_is_large_varied_and_never_trained_on():
    heldout, corpus = rows_of(HELDOUT), rows_of(CORPUS)
    labels = [r.label for r in heldout]
    assert labels.count("spam") >= 150 and labels.count("ham") >= 200
    assert not {r.text for r in heldout} & {r.text for r in corpus}
    kinds = {r.kind.split("_")[0] for r in heldout}
    for kind in ("phishing", "fields", "referral", "loan", "medicine", "gambling"):
        assert kind in kinds
    for kind in ("thanks", "official", "sports", "ordinary"):
        assert kind in kinds
    assert {"gambling_homoglyph", "gambling_leet", "gambling_separators"} <= {
        r.kind for r in heldout
    }
    # Kinds described, not listed (test_spam_kinds.py), and the readers who resemble them.
    assert {"phishing_lookalike", "phishing_shortener", "scheme_crypto", "contact"} <= {
        r.kind for r in heldout
    }
    assert {"hardham_name", "hardham_warning", "hardham_hotline"} <= {r.kind for r in heldout}


def test_heldout_goals_are_met():
    report = evaluate_split(rows_of(CORPUS), rows_of(HELDOUT))
    assert report.spam_caught >= 0.90
    assert report.ham_held <= 0.01
    assert report.spam_marked >= 0.70
    assert report.ham_marked <= 0.002


@pytest.mark.parametrize("name", ["2026-12-03-a.csv", "2026-12-03-b.csv", "2026-12-03-c.csv"])
def test_blind_sets_goals_are_met(name):
    """Sets written by people who never saw the filter (spam_blind/README.md says which
    have been tuned on since); a change that loses ground on them shows here."""
    report = evaluate_split(rows_of(CORPUS), rows_of(DATA / "spam_blind" / name))
    assert report.spam_caught >= 0.90
    assert report.ham_held <= 0.01
    assert report.spam_marked >= 0.70
    assert report.ham_marked <= 0.002


def test_cross_validation_on_the_training_corpus_marks_most_spam_outright():
    report = cross_validate(rows_of(CORPUS), folds=5, seed=0)
    assert report.count("spam", "spam") / report.total("spam") >= 0.75
    held_ham = report.count("ham", "held") + report.count("ham", "spam")
    assert held_ham / report.total("ham") <= 0.01
    assert report.count("ham", "spam") == 0


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["text", "label", "name", "email", "url", "kind"])
        writer.writerows(rows)
    return path


TRAIN = [
    ("Slot gacor maxwin malam ini, daftar sekarang di gacor1.example", "spam", "", "", "", ""),
    ("Pinjol cair 10 menit tanpa BI checking, WA 0812-1111-2222", "spam", "", "", "", ""),
    ("Harga cabai di pasar naik lagi minggu ini.", "ham", "", "", "", ""),
    ("Semoga korban banjir segera dapat bantuan.", "ham", "", "", "", ""),
]
TEST = [
    ("Bocoran s-l-o-t gacor di hoki9 titik com", "spam", "", "", "", "gambling_separators"),
    ("Tulisan yang bagus.", "spam", "Situs Slot88", "", "", "fields_name"),
    ("Jalan di desa kami rusak parah.", "ham", "", "", "", "ordinary"),
    ("Terima kasih infonya, min.", "ham", "", "", "", "thanks"),
]


def test_command_prints_the_four_rates_and_the_misses_by_kind(tmp_path):
    train, test = write(tmp_path / "a.csv", TRAIN), write(tmp_path / "b.csv", TEST)
    out = StringIO()
    call_command("spam_eval", train=str(train), test=str(test), show_mistakes=5, stdout=out)
    text = out.getvalue()
    assert "trained on 4 comments; tested on 4 (2 ham, 2 spam)" in text
    for label in (
        "spam held or marked spam:",
        "spam marked spam:",
        "ham held or marked spam:",
        "ham marked spam:",
    ):
        assert label in text
    header, ham_row, spam_row = (
        line.split() for line in text.splitlines() if line.strip().startswith(("public", "actual"))
    )
    assert sum(map(int, ham_row[2:])) == 2 and sum(map(int, spam_row[2:])) == 2


def test_misses_are_listed_under_their_kind(tmp_path):
    train = write(tmp_path / "a.csv", TRAIN)
    test = write(
        tmp_path / "b.csv",
        [("Setuju dengan penulis.", "spam", "Rina", "", "", "fields_none"), *TEST[2:]],
    )
    out = StringIO()
    call_command("spam_eval", train=str(train), test=str(test), show_mistakes=5, stdout=out)
    text = out.getvalue()
    assert "  fields_none: 1" in text
    assert "== fields_none" in text and "Setuju dengan penulis." in text


def test_kabar_cli_runs_a_train_test_evaluation(tmp_path, capsys):
    train, test = write(tmp_path / "a.csv", TRAIN), write(tmp_path / "b.csv", TEST)
    cli.main(["spam-eval", "--train", str(train), "--test", str(test)])
    assert "spam marked spam:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"train": "a.csv"}, "--train and --test go together"),
        ({"test": "b.csv"}, "--train and --test go together"),
        ({}, "give a file to cross-validate"),
    ],
)
def test_incomplete_options_are_a_clear_error(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("spam_eval", stdout=StringIO(), **options)


def test_a_missing_test_file_is_a_clear_error(tmp_path):
    train = write(tmp_path / "a.csv", TRAIN)
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "spam_eval", train=str(train), test=str(tmp_path / "nope.csv"), stdout=StringIO()
        )


def test_a_training_file_without_both_labels_is_a_clear_error(tmp_path):
    train = write(tmp_path / "a.csv", TRAIN[:2])
    test = write(tmp_path / "b.csv", TEST)
    with pytest.raises(CommandError, match="at least one ham row"):
        call_command("spam_eval", train=str(train), test=str(test), stdout=StringIO())
