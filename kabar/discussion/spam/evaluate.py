"""`kabar spam-eval`: how well the whole spam stack would have done on a labelled corpus.

`--train A.csv --test B.csv` (evaluate_split): the classifier learns A only, and every row
of B is judged by spam.assess, as a posted comment is (every content check, the learned
score and both of its thresholds); the report gives the four rates the newsroom's goals are
set in and the misses by kind (the CSV's optional `kind` column).

k-fold cross-validation: the rows are split into k folds (stratified, shuffled with a
fixed seed); for each fold the classifier is trained in memory on the other folds, then
every row of the fold goes through the same checks a posted comment goes through (links,
word lists, the learned score, and the rule that the classifier marks spam only when
another check agrees). The database is not touched.

Not replayed: the checks that need a live request or history (form token age, honeypot,
flood limits, duplicates, the burst guard) and the trust ladder, which holds every
first comment whatever it says; the figures are for the content checks alone.
"""

import csv
import random
from dataclasses import dataclass, field

from ..models import Comment, CommentStatus
from ..policy import Rules
from . import assess, classifier

LABELS = ("ham", "spam")
OUTCOMES = ("public", "held", "spam")
OUTCOME_OF_STATUS = {
    CommentStatus.APPROVED: "public",
    CommentStatus.PENDING: "held",
    CommentStatus.REPORTED: "held",
    CommentStatus.SPAM: "spam",
    CommentStatus.TRASH: "spam",
}


class CorpusError(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    name: str = ""
    email: str = ""
    url: str = ""
    line: int = 0
    kind: str = ""


def read_corpus(stream):
    """Rows from a CSV with columns text,label and optionally name,email,url,kind."""
    reader = csv.DictReader(stream)
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if not {"text", "label"} <= columns:
        raise CorpusError("the CSV needs a header with at least the columns text and label")
    rows = []
    for record in reader:
        record = {(k or "").strip().lower(): (v or "") for k, v in record.items()}
        label = record["label"].strip().lower()
        if label not in LABELS:
            raise CorpusError(f"line {reader.line_num}: label must be ham or spam, not {label!r}")
        if not record["text"].strip():
            raise CorpusError(f"line {reader.line_num}: empty text")
        rows.append(
            Row(
                text=record["text"],
                label=label,
                name=record.get("name", "").strip() or "Pembaca",
                email=record.get("email", "").strip() or "pembaca@example.org",
                url=record.get("url", "").strip(),
                line=reader.line_num,
                kind=record.get("kind", "").strip().lower(),
            )
        )
    return rows


def folds_of(rows, k, seed):
    """k stratified folds: each has its share of ham and of spam."""
    shuffled = {label: [r for r in rows if r.label == label] for label in LABELS}
    generator = random.Random(seed)
    folds = [[] for _ in range(k)]
    offset = 0
    for label in LABELS:
        group = shuffled[label]
        generator.shuffle(group)
        for index, row in enumerate(group):
            folds[(index + offset) % k].append(row)
        offset += len(group)
    return folds


def comment_of(row):
    return Comment(
        page_id=0,
        body=row.text,
        author_name=row.name,
        author_email=row.email,
        author_url=row.url,
        ip_address=None,
        user_agent="",
    )


@dataclass(kw_only=True)
class Outcomes:
    """What became of each labelled comment: matrix[label][outcome], and the mistakes."""

    matrix: dict = field(default_factory=lambda: {a: dict.fromkeys(OUTCOMES, 0) for a in LABELS})
    mistakes: list = field(default_factory=list)

    def count(self, actual, outcome):
        return self.matrix[actual][outcome]

    def total(self, actual):
        return sum(self.matrix[actual].values())


@dataclass(kw_only=True)
class Report(Outcomes):
    folds: int

    def metrics(self, positive_outcomes):
        """Precision, recall and F1 for spam, counting `positive_outcomes` as caught."""
        caught = sum(self.count("spam", o) for o in positive_outcomes)
        false_alarms = sum(self.count("ham", o) for o in positive_outcomes)
        precision = caught / (caught + false_alarms) if caught + false_alarms else 0.0
        recall = caught / self.total("spam") if self.total("spam") else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def lines(self):
        ham, spam = self.total("ham"), self.total("spam")
        held_ham = self.count("ham", "held") + self.count("ham", "spam")
        caught = self.count("spam", "held") + self.count("spam", "spam")
        out = [
            f"{ham + spam} comments ({ham} ham, {spam} spam), {self.folds}-fold cross-validation",
            "",
            f"{'':14}{'public':>8}{'held':>8}{'spam':>8}",
        ]
        for actual in LABELS:
            cells = "".join(f"{self.count(actual, o):>8}" for o in OUTCOMES)
            out.append(f"{'actual ' + actual:14}{cells}")
        out.append("")
        out.append(f"spam caught (held or spam): {caught}/{spam} = {_pct(caught, spam)}")
        out.append(f"ham wrongly held or spam:   {held_ham}/{ham} = {_pct(held_ham, ham)}")
        out.append(
            f"ham marked spam:            {self.count('ham', 'spam')}/{ham} = "
            f"{_pct(self.count('ham', 'spam'), ham)}"
        )
        for title, outcomes in (
            ("caught = held or spam", ("held", "spam")),
            ("caught = marked spam ", ("spam",)),
        ):
            precision, recall, f1 = self.metrics(outcomes)
            out.append(f"{title}: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
        return out


def _pct(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def cross_validate(rows, *, folds=5, seed=0, rules=None):
    if folds < 2:
        raise CorpusError("cross-validation needs at least 2 folds")
    for label in LABELS:
        if sum(1 for r in rows if r.label == label) < folds:
            raise CorpusError(f"the corpus needs at least {folds} {label} rows for {folds} folds")
    rules = rules or Rules()
    parts = folds_of(rows, folds, seed)
    featured = {
        id(row): classifier.features(row.text, name=row.name, email=row.email, url=row.url)
        for row in rows
    }
    report = Report(folds=folds)
    for index, test in enumerate(parts):
        counts = classifier.MemoryCounts()
        classifier.train(
            counts,
            (
                (featured[id(row)], row.label)
                for other, part in enumerate(parts)
                if other != index
                for row in part
            ),
        )
        for row in test:
            verdict = assess(
                comment_of(row), article=None, rules=rules, context=None, counts=counts
            )
            outcome = OUTCOME_OF_STATUS[verdict.status]
            report.matrix[row.label][outcome] += 1
            wrong = (row.label == "ham") != (outcome == "public")
            if wrong:
                report.mistakes.append((row, outcome, verdict))
    return report


# The kind of a row, for the per-kind misses of a train/test run: the CSV's optional
# `kind` column, or "spam" / "ham" when it has none.
def kind_of(row):
    return row.kind or row.label


@dataclass(kw_only=True)
class SplitReport(Outcomes):
    """A train/test run: the classifier learns the training file only, and every row of the
    test file goes through the decision a posted comment gets."""

    trained: int

    def rate(self, actual, outcomes):
        whole = self.total(actual)
        return sum(self.count(actual, o) for o in outcomes) / whole if whole else 0.0

    @property
    def spam_caught(self):
        """Spam held or marked spam."""
        return self.rate("spam", ("held", "spam"))

    @property
    def spam_marked(self):
        return self.rate("spam", ("spam",))

    @property
    def ham_held(self):
        """Ham held or marked spam: every ham comment a reader did not see at once."""
        return self.rate("ham", ("held", "spam"))

    @property
    def ham_marked(self):
        return self.rate("ham", ("spam",))

    def misses_by_kind(self):
        """{kind: [(row, outcome, verdict)]}: spam left public and ham not left public."""
        by_kind = {}
        for row, outcome, verdict in self.mistakes:
            by_kind.setdefault(kind_of(row), []).append((row, outcome, verdict))
        return dict(sorted(by_kind.items()))

    def lines(self):
        ham, spam = self.total("ham"), self.total("spam")
        out = [
            f"trained on {self.trained} comments; tested on {ham + spam} ({ham} ham, {spam} spam)",
            "",
            f"{'':14}{'public':>8}{'held':>8}{'spam':>8}",
        ]
        for actual in LABELS:
            cells = "".join(f"{self.count(actual, o):>8}" for o in OUTCOMES)
            out.append(f"{'actual ' + actual:14}{cells}")
        out += [
            "",
            f"spam held or marked spam: {self.spam_caught:7.1%}",
            f"spam marked spam:         {self.spam_marked:7.1%}",
            f"ham held or marked spam:  {self.ham_held:7.1%}",
            f"ham marked spam:          {self.ham_marked:7.1%}",
        ]
        misses = self.misses_by_kind()
        if misses:
            out += ["", "misses by kind (spam left public; ham held or marked spam):"]
            for kind, rows in misses.items():
                out.append(f"  {kind}: {len(rows)}")
        return out


def evaluate_split(train_rows, test_rows, *, rules=None):
    """Train in memory on `train_rows`, then judge each of `test_rows` as a posted comment
    is judged (spam.assess: every content check, the learned score and its thresholds)."""
    for label in LABELS:
        if not any(r.label == label for r in train_rows):
            raise CorpusError(f"the training file needs at least one {label} row")
    if not test_rows:
        raise CorpusError("the test file has no rows")
    rules = rules or Rules()
    counts = classifier.MemoryCounts()
    classifier.train(
        counts,
        (
            (classifier.features(r.text, name=r.name, email=r.email, url=r.url), r.label)
            for r in train_rows
        ),
    )
    report = SplitReport(trained=len(train_rows))
    for row in test_rows:
        verdict = assess(comment_of(row), article=None, rules=rules, context=None, counts=counts)
        outcome = OUTCOME_OF_STATUS[verdict.status]
        report.matrix[row.label][outcome] += 1
        if (row.label == "ham") != (outcome == "public"):
            report.mistakes.append((row, outcome, verdict))
    return report
