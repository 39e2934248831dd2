"""Cross-validate the spam stack on a labelled CSV (text,label[,name,email,url])."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kabar.discussion.policy import Rules
from kabar.discussion.spam.evaluate import CorpusError, cross_validate, read_corpus


class Command(BaseCommand):
    help = (
        "Report precision, recall and the confusion matrix of the spam checks and the "
        "learned score on a labelled CSV, by k-fold cross-validation."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with columns text,label (ham|spam), name, email, url")
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
        path = Path(options["file"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows = read_corpus(stream)
            rules = Rules(
                links_to_hold=options["links"],
                moderation_words=_read(options["moderation_words"]),
                disallowed_words=_read(options["disallowed_words"]),
            )
            report = cross_validate(rows, folds=options["folds"], seed=options["seed"], rules=rules)
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except (CorpusError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        for row, outcome, verdict in report.mistakes[: options["show_mistakes"]]:
            reasons = "; ".join(f"{r['rule']}: {r['detail']}" for r in verdict.reasons)
            self.stdout.write(
                f"\nline {row.line} ({row.label} → {outcome}): {row.text[:160]!r}\n  {reasons}"
            )


def _read(path):
    if not path:
        return ""
    return Path(path).read_text(encoding="utf-8-sig")
