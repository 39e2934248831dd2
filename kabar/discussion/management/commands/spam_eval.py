"""Evaluate the spam stack on labelled CSVs (text,label[,name,email,url,kind]): k-fold
cross-validation of one file, or `--train A.csv --test B.csv` for spam it never learned."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kabar.discussion.policy import Rules
from kabar.discussion.spam.evaluate import (
    CorpusError,
    cross_validate,
    evaluate_split,
    read_corpus,
)


class Command(BaseCommand):
    help = (
        "Report the confusion matrix of the spam checks and the learned score on a labelled "
        "CSV, by k-fold cross-validation, or trained on --train and tested on --test."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="CSV with columns text,label (ham|spam), name, email, url"
        )
        parser.add_argument("--train", help="train on this CSV (with --test)")
        parser.add_argument("--test", help="judge this CSV's rows, never learned (with --train)")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument("--seed", type=int, default=0, help="shuffle seed for the folds")
        parser.add_argument(
            "--links", type=int, default=Rules.links_to_hold, help="hold at this many links"
        )
        parser.add_argument("--moderation-words", help="file, one moderation word per line")
        parser.add_argument("--disallowed-words", help="file, one disallowed word per line")
        parser.add_argument(
            "--show-mistakes", type=int, default=0, help="print up to N misjudged rows"
        )

    def handle(self, *args, **options):
        split = options["train"] or options["test"]
        if split and not (options["train"] and options["test"]):
            raise CommandError("--train and --test go together")
        if split and options["file"]:
            raise CommandError("give either a file to cross-validate or --train and --test")
        if not split and not options["file"]:
            raise CommandError("give a file to cross-validate, or --train A.csv --test B.csv")
        try:
            rules = Rules(
                links_to_hold=options["links"],
                moderation_words=_read(options["moderation_words"]),
                disallowed_words=_read(options["disallowed_words"]),
            )
            if split:
                report = evaluate_split(
                    _rows(options["train"]), _rows(options["test"]), rules=rules
                )
            else:
                report = cross_validate(
                    _rows(options["file"]),
                    folds=options["folds"],
                    seed=options["seed"],
                    rules=rules,
                )
        except CorpusError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if split:
            self._misses_by_kind(report, options["show_mistakes"])
            return
        for row, outcome, verdict in report.mistakes[: options["show_mistakes"]]:
            self.stdout.write(_mistake(row, outcome, verdict))

    def _misses_by_kind(self, report, limit):
        if not limit:
            return
        for kind, rows in report.misses_by_kind().items():
            self.stdout.write(f"\n== {kind}")
            for row, outcome, verdict in rows[:limit]:
                self.stdout.write(_mistake(row, outcome, verdict))


def _mistake(row, outcome, verdict):
    reasons = "; ".join(f"{r['rule']}: {r['detail']}" for r in verdict.reasons)
    fields = f" [name {row.name!r}, url {row.url!r}]" if row.url or row.name != "Pembaca" else ""
    return f"line {row.line} ({row.label} → {outcome}): {row.text[:160]!r}{fields}\n  {reasons}"


def _rows(name):
    path = Path(name)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return read_corpus(stream)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (CorpusError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: {exc}") from exc


def _read(path):
    if not path:
        return ""
    return Path(path).read_text(encoding="utf-8-sig")
