"""`kabar spam-eval` and the labelled corpus shipped in tests/data."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kabar import cli
from kabar.discussion.spam.evaluate import cross_validate, read_corpus

CORPUS = Path(__file__).resolve().parent.parent / "data" / "spam_corpus.csv"

SMALL = [
    ("Terima kasih atas liputan banjirnya, sangat membantu.", "ham"),
    ("Saya tidak setuju dengan kebijakan tarif air yang baru.", "ham"),
    ("Harga cabai di pasar kami naik lagi minggu ini.", "ham"),
    ("Semoga korban gempa segera mendapat bantuan.", "ham"),
    ("Thanks for the clear explainer on interest rates.", "ham"),
    ("The minister's quote seems to be taken out of context.", "ham"),
    ("Great reporting from the flooded districts.", "ham"),
    ("Mohon koreksi nama desa di paragraf kedua.", "ham"),
    ("Slot gacor maxwin hari ini, daftar sekarang juga bosku.", "spam"),
    ("Situs slot gacor terpercaya, bonus new member 100%.", "spam"),
    ("Pinjaman online cair 5 menit tanpa BI checking, hubungi WA.", "spam"),
    ("Obat kuat herbal asli, kirim rahasia, order sekarang.", "spam"),
    (
        "Cheap casino bonus and free spins, sign up now at https://a.example https://b.example",
        "spam",
    ),
    ("Double your bitcoin today, guaranteed profit, sign up now.", "spam"),
    ("Bocoran slot gacor malam ini, maxwin dijamin.", "spam"),
    ("Jual followers murah, slot gacor juga ada, daftar sekarang.", "spam"),
]


def write_csv(path, rows, header=("text", "label", "name", "email", "url")):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for text, label in rows:
            writer.writerow([text, label, "Pembaca", "pembaca@example.org", ""][: len(header)])
    return path


def test_command_prints_precision_recall_and_the_confusion_matrix(tmp_path):
    path = write_csv(tmp_path / "small.csv", SMALL)
    out = StringIO()
    call_command("spam_eval", str(path), folds=2, stdout=out)
    text = out.getvalue()
    assert "16 comments (8 ham, 8 spam), 2-fold cross-validation" in text
    header, ham_row, spam_row = (
        line.split() for line in text.splitlines() if line.strip().startswith(("public", "actual"))
    )
    assert header == ["public", "held", "spam"]
    assert ham_row[:2] == ["actual", "ham"] and sum(map(int, ham_row[2:])) == 8
    assert spam_row[:2] == ["actual", "spam"] and sum(map(int, spam_row[2:])) == 8
    assert "spam caught (held or spam):" in text
    assert "ham wrongly held or spam:" in text
    assert "precision" in text and "recall" in text and "F1" in text


def test_links_rule_takes_part_in_the_evaluation(tmp_path):
    rows = read_corpus(StringIO((write_csv(tmp_path / "s.csv", SMALL)).read_text()))
    report = cross_validate(rows, folds=2)
    linked = [m for m in report.mistakes if "https://a.example" in m[0].text]
    assert not linked  # two links: held, never published


def test_only_text_and_label_columns_are_required(tmp_path):
    path = write_csv(tmp_path / "min.csv", SMALL, header=("text", "label"))
    out = StringIO()
    call_command("spam_eval", str(path), folds=2, stdout=out)
    assert "16 comments" in out.getvalue()


def test_kabar_cli_runs_spam_eval(tmp_path, capsys):
    path = write_csv(tmp_path / "small.csv", SMALL)
    cli.main(["spam-eval", str(path), "--folds", "2"])
    assert "2-fold cross-validation" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text,label\nhalo,maybe\n", "line 2: label must be ham or spam"),
        ("body,kind\nhalo,ham\n", "needs a header"),
        ("text,label\n,ham\n", "line 2: empty text"),
        ("text,label\nhalo,ham\n", "at least 5 ham rows"),
    ],
)
def test_bad_files_give_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("spam_eval", str(path), stdout=StringIO())


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("spam_eval", str(tmp_path / "nope.csv"), stdout=StringIO())


def test_shipped_corpus_is_several_hundred_rows_of_both_kinds_and_languages():
    with CORPUS.open(encoding="utf-8") as stream:
        rows = read_corpus(stream)
    labels = [r.label for r in rows]
    assert len(rows) >= 500
    assert labels.count("ham") >= 250 and labels.count("spam") >= 200
    assert len({r.text for r in rows}) == len(rows)
    english = sum(1 for r in rows if " the " in f" {r.text.lower()} ")
    assert 100 <= english <= len(rows) - 200
    # The words that mark spam also occur in readers' comments, as they do on a news site.
    for word in ("judi", "pinjol", "obat", "slot", "gratis", "http", "crypto", "loan"):
        kinds = {r.label for r in rows if word in r.text.lower()}
        assert kinds == {"ham", "spam"}, word


def test_shipped_corpus_figures_do_not_regress():
    with CORPUS.open(encoding="utf-8") as stream:
        report = cross_validate(read_corpus(stream), folds=5, seed=0)
    caught = report.count("spam", "held") + report.count("spam", "spam")
    wrongly_held = report.count("ham", "held") + report.count("ham", "spam")
    assert caught / report.total("spam") >= 0.85
    assert wrongly_held / report.total("ham") <= 0.02
    assert report.count("ham", "spam") == 0
