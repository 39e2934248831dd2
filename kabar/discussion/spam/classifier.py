"""The learned score: a naive Bayes classifier trained from the newsroom's own moderation.

Features are the comment's words, character 4-grams (which survive "sl0tgacor"-style
spelling games and languages without spaces), the hosts it links to, and a few facts
about the author fields. Each feature keeps two counts in SpamToken: how many approved
(ham) and how many spam comments it appeared in. Scoring follows SpamBayes (Robinson's
smoothed per-feature probabilities, combined with Fisher's chi-squared method over the
strongest clues), which gives a calibrated 0–1 score and a short list of the clues that
decided it, for the moderators' reasons.

Special rows in the same table: DOCS counts the documents learned, and one marker row
per learned comment ("@c<pk>") records whether it was learned as ham or spam, so a
moderator who reverses a decision un-learns the old lesson instead of adding a new one.
"""

import functools
import math
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from kabar.core import rows
from kabar.core.memo import RecentMemo

from ..models import SpamToken
from .content import is_official, is_source, kept_on, read_comment, read_fields
from .text import WORD_RE, host_of, links_in

DOCS = "__docs__"
MARKER_PREFIX = "@c"
TOKEN_MAX_LENGTH = 64
MAX_WORD_FEATURES = 300
MAX_GRAM_FEATURES = 600
GRAM = 4
# Distinct words whose grams a process keeps (word_grams), and the longest kept, the
# longest that is a feature of its own. A flood of random text fills the cache with new
# words: 4,096 of them hold about 3.5 MB of a worker's memory (16,384 held 12 MB), and a
# word missing from it costs a few microseconds to read again.
WORDS_KEPT = 4096
MAX_WORD_LENGTH = 40
# SpamBayes' defaults.
UNKNOWN_STRENGTH = 0.45
UNKNOWN_PROB = 0.5
MIN_STRENGTH = 0.1
MAX_CLUES = 150
HAM, SPAM = "ham", "spam"
CHUNK = 500


RESERVED_DOMAINS = ("example.org", "example.com", "example.net")
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")


def _reserved(domain):
    domain = domain.lower().rstrip(".")
    return domain in RESERVED_DOMAINS or domain.endswith(RESERVED_SUFFIXES)


# What the Reading found, each a feature when found: (Reading attribute, feature).
BODY_FLAGS = (("phone", "k:phone"), ("messenger", "k:messenger"), ("official_hosts", "k:official"))
CONTACT_FLAGS = (
    ("shortener", "k:shortener"),
    ("lookalikes", "k:lookalike"),
    ("sales_ask", "k:ask"),
    ("hotline", "k:hotline"),
)


def features(body, *, name="", email="", url="", reading=None):
    """The comment's features as a list of distinct strings (at most ~1,000), read from
    the normalised fields (content.py): look-alike letters, leetspeak and split letters
    give the same words and fragments as plain spelling."""
    reading = reading or read_fields(body, name=name, email=email, url=url)
    # Each word once, in the order first written: a word again adds no feature.
    words = dict.fromkeys(WORD_RE.findall(reading.plain_words))
    seen = {}

    def add(feature):
        if feature not in seen:
            seen[feature] = None

    for word in words:
        if len(seen) >= MAX_WORD_FEATURES:
            break
        if len(word) <= MAX_WORD_LENGTH:
            add(f"w:{word}")
    grams = 0
    for word in words:
        # A longer word's grams are made as they are wanted, and not kept: one word can be
        # a whole comment's 65,000 letters.
        made = word_grams(word) if len(word) <= MAX_WORD_LENGTH else _grams(word)
        for feature in made:
            if feature not in seen:
                seen[feature] = None
                grams += 1
                if grams >= MAX_GRAM_FEATURES:
                    break
        if grams >= MAX_GRAM_FEATURES:
            break
    # Links to public bodies, universities and cited sources are counted apart (k:official).
    links = [link for link in links_in(body) if not is_source(host_of(link))]
    add(f"k:links={min(len(links), 3)}")
    for attribute, feature in BODY_FLAGS:
        if getattr(reading, attribute):
            add(feature)
    for kind in reading.pitches:
        if kind != "sales":  # the same fact as k:ask, counted once
            add(f"p:{kind}")
    if reading.disguised:
        add("k:disguised")
    if reading.warning:
        add("k:warning")
    for label, _word in reading.field_topics:
        add(f"f:{label}")
    for host in reading.hosts[:20]:
        add(f"d:{host}")
    if url:
        add("u:+")
        add(f"u:{reading.website_host}")
        for word in reading.website_words[:8]:
            if word not in ("www", "http", "https"):
                add(f"h:{word}")
    else:
        add("u:-")
    # What the email and name say about their kind, never who the commenter is: a person's
    # name or webmail provider learned from one corpus is a clue about that corpus only.
    # A reserved documentation domain (RFC 2606: example.org, *.test...) is no address at all,
    # e.g. what spam-eval puts where a labelled row has none: it says nothing either way.
    if reading.email_domain and not _reserved(reading.email_domain):
        if reading.webmail:
            add("e:webmail")
        elif is_official(reading.email_domain):
            add("e:official")
        else:
            add("e:own")
    add(f"n:#words={min(reading.name_words, 4)}")
    for word in reading.name_advert:
        add(f"n:{word}")
    if any(ch.isdigit() for ch in name or ""):
        add("n:#digit")
    for attribute, feature in CONTACT_FLAGS:
        if getattr(reading, attribute):
            add(feature)
    return [feature[:TOKEN_MAX_LENGTH] for feature in seen]


def _grams(word):
    """The character GRAM-grams of `word` as features, the word's edges marked by a space,
    in order."""
    padded = f" {word} "
    return (f"c:{padded[start : start + GRAM]}" for start in range(len(padded) - GRAM + 1))


@functools.lru_cache(maxsize=WORDS_KEPT)
def word_grams(word):
    """_grams of a word of at most MAX_WORD_LENGTH letters, each once, kept: a language's
    common words come in comment after comment."""
    return tuple(dict.fromkeys(_grams(word)))


def features_of(comment):
    """The features of a comment, made once and kept on it (as read_comment)."""
    return kept_on(
        comment,
        "_spam_features",
        lambda c: features(
            c.body,
            name=c.author_name,
            email=c.author_email,
            url=c.author_url,
            reading=read_comment(c),
        ),
    )


def readable(feature):
    """How a clue is named in a moderator's reasons."""
    kind, _, value = feature.partition(":")
    return {
        "w": value,
        "c": f"…{value.strip()}…",
        "d": f"link to {value}",
        "u": {"-": "no website", "+": "has a website"}.get(value, f"website {value}"),
        "e": {"webmail": "webmail address", "official": "official email", "own": "own domain"}.get(
            value, f"email at {value}"
        ),
        "n": (
            "digits in name"
            if value == "#digit"
            else f"name of {value[7:]} word(s)"
            if value.startswith("#words=")
            else f"name {value}"
        ),
        "k": {
            "phone": "phone number",
            "messenger": "messenger contact",
            "official": "link to a public body",
            "disguised": "disguised words",
            "warning": "warns of a scam",
            "shortener": "shortened link",
            "lookalike": "look-alike brand address",
            "ask": "asks to be contacted",
            "hotline": "names an official service",
        }.get(value, value.replace("=", " ")),
        "p": f"{value} pitch",
        "f": f"advertising {value}",
        "h": f"website word {value}",
    }.get(kind, feature)


# Counts: where the learned numbers live. The database for the site, memory for spam-eval.


# The counts this process read lately, {feature: (ham, spam)}, (0, 0) for one the table
# lacks: most of a comment's words and letter groups were in the comments before it, so
# only the new ones are asked for. Kept KNOWN_SECONDS, and forgotten at once when this
# process teaches the filter (DatabaseCounts.apply); another process's lesson shows here
# within KNOWN_SECONDS, which moves a verdict by little, as one lesson among thousands.
# At most KNOWN_MAX (then all forgotten, and the next comment reads all it wants once): a
# flood of new words brings ~200 new features per comment, and 200,000 kept held 20 MB of
# each worker's memory; 20,000 hold about 2 MB.
KNOWN_SECONDS = 30
KNOWN_MAX = 20_000
_known = RecentMemo(KNOWN_SECONDS, KNOWN_MAX)


def forget_known_counts():
    _known.forget()


def _counts_sql(tokens):
    """The statement reading the counts of `tokens`, in plain SQL (the ORM spends longer
    preparing this IN list than the database spends answering it; and PostgreSQL plans
    an array parameter anew on each run, its length unknown). The table name is the
    model's; the features are parameters."""
    table = connection.ops.quote_name(SpamToken._meta.db_table)
    marks = ", ".join(["%s"] * len(tokens))
    return f"SELECT token, ham, spam FROM {table} WHERE token IN ({marks})"  # noqa: S608


def _counts_read(tokens, rows):
    """{feature: (ham, spam)} for `tokens` from the table's (token, ham, spam) rows, (0, 0)
    for one it lacks."""
    read = dict.fromkeys(tokens, (0, 0))
    read.update((token, (ham, spam)) for token, ham, spam in rows or ())
    return read


def _read_counts(tokens):
    """{feature: (ham, spam)} from the table, (0, 0) for one it lacks, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_counts_sql(tokens), tokens)
        return _counts_read(tokens, cursor.fetchall())


def counts_alongside(comment):
    """The counts DatabaseCounts.lookup will want for `comment` and this process has not
    read lately, to be read with another statement that runs before it (the commenter's
    read): a rows.Alongside, or None when there are none, or the database cannot give
    them as one value (PostgreSQL can). Kept as _read_counts keeps them."""
    if connection.vendor != "postgresql":
        return None
    lacking, stamp = _known.lacking({*features_of(comment), DOCS})
    if not lacking:
        return None

    def receive(value):
        _known.keep(_counts_read(lacking, value), stamp)

    # _read_counts's statement as a subquery, its rows as one JSON value.
    found = _counts_sql(lacking)
    return rows.Alongside(
        sql=f"(SELECT json_agg(json_build_array(token, ham, spam)) FROM ({found}) AS found)",  # noqa: S608
        params=lacking,
        receive=receive,
    )


class DatabaseCounts:
    def lookup(self, feats):
        """The counts of up to ~1,000 features, on every comment posted: those this process
        has not read lately in one query."""
        found = _known.get_many({*feats, DOCS}, _read_counts)
        counts = {token: found[token] for token in feats if found[token] != (0, 0)}
        return found[DOCS], counts

    def markers(self, comment_ids):
        names = {f"{MARKER_PREFIX}{pk}": pk for pk in comment_ids}
        rows = SpamToken.objects.filter(token__in=list(names)).values_list("token", "ham", "spam")
        return {names[token]: HAM if ham else SPAM for token, ham, spam in rows if ham or spam}

    def apply(self, deltas):
        """Add {token: (ham delta, spam delta)}; counts never go below zero. Three
        queries per 500 tokens, however many comments the deltas came from."""
        forget_known_counts()
        transaction.on_commit(forget_known_counts)
        tokens = list(deltas)
        for start in range(0, len(tokens), CHUNK):
            chunk = tokens[start : start + CHUNK]
            SpamToken.objects.bulk_create(
                [SpamToken(token=token) for token in chunk], ignore_conflicts=True
            )
            rows = list(SpamToken.objects.filter(token__in=chunk).only("pk", "token"))
            for row in rows:
                ham, spam = deltas[row.token]
                row.ham = _added(F("ham"), ham)
                row.spam = _added(F("spam"), spam)
            SpamToken.objects.bulk_update(rows, ["ham", "spam"])


def _added(column, delta):
    return column + delta if delta >= 0 else Greatest(column + delta, 0)


class MemoryCounts:
    def __init__(self):
        self.counts = {}

    def lookup(self, feats):
        docs = self.counts.get(DOCS, (0, 0))
        return docs, {f: self.counts[f] for f in feats if f in self.counts}

    def markers(self, comment_ids):
        return {}

    def apply(self, deltas):
        for token, (ham, spam) in deltas.items():
            old_ham, old_spam = self.counts.get(token, (0, 0))
            self.counts[token] = (max(0, old_ham + ham), max(0, old_spam + spam))


def lesson(feats, label, sign=1):
    """The count changes that learning (sign 1) or un-learning (sign -1) one document is."""
    delta = (sign, 0) if label == HAM else (0, sign)
    return {feature: delta for feature in [*feats, DOCS]}


def merge(into, deltas):
    for token, (ham, spam) in deltas.items():
        old_ham, old_spam = into.get(token, (0, 0))
        into[token] = (old_ham + ham, old_spam + spam)
    return into


def train(counts, labelled):
    """Learn an iterable of (features, label) at once (spam-eval and bulk moderation)."""
    total = {}
    for feats, label in labelled:
        merge(total, lesson(feats, label))
    counts.apply(total)


@dataclass(frozen=True)
class Score:
    value: float
    spam_clues: list
    ham_clues: list

    def explain(self, top=3):
        clues = self.spam_clues if self.value >= 0.5 else self.ham_clues
        # Whole words and facts read better than fragments of words; fragments only
        # when there is nothing else.
        clues = sorted(clues, key=lambda feature: feature.startswith("c:"))
        named = ", ".join(f"'{readable(feature)}'" for feature in clues[:top])
        return f"{self.value:.2f} from {named}" if named else f"{self.value:.2f}"


def _chi2q(x2, v):
    """P(chi-squared with v degrees of freedom >= x2), v even."""
    m = x2 / 2.0
    total = term = math.exp(-m)
    for i in range(1, v // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


def score(feats, counts):
    """The spam probability of a document with these features, or None when the
    classifier has not yet seen both ham and spam, or nothing it knows is in it."""
    (ham_docs, spam_docs), known = counts.lookup(feats)
    if not ham_docs or not spam_docs:
        return None
    clues = []
    for feature in feats:
        ham, spam = known.get(feature, (0, 0))
        seen = ham + spam
        if not seen:
            continue
        ham_ratio = min(ham, ham_docs) / ham_docs
        spam_ratio = min(spam, spam_docs) / spam_docs
        prob = spam_ratio / (ham_ratio + spam_ratio)
        prob = (UNKNOWN_STRENGTH * UNKNOWN_PROB + seen * prob) / (UNKNOWN_STRENGTH + seen)
        if abs(prob - 0.5) >= MIN_STRENGTH:
            clues.append((abs(prob - 0.5), prob, feature))
    if not clues:
        return None
    clues.sort(reverse=True)
    clues = clues[:MAX_CLUES]
    # Products of many small numbers, kept in range with frexp as SpamBayes does.
    spam_product = ham_product = 1.0
    spam_exp = ham_exp = 0
    for _, prob, _feature in clues:
        spam_product *= 1.0 - prob
        ham_product *= prob
        if spam_product < 1e-200:
            spam_product, e = math.frexp(spam_product)
            spam_exp += e
        if ham_product < 1e-200:
            ham_product, e = math.frexp(ham_product)
            ham_exp += e
    ln2 = math.log(2)
    spam_log = math.log(spam_product) + spam_exp * ln2
    ham_log = math.log(ham_product) + ham_exp * ln2
    n = len(clues)
    spamminess = 1.0 - _chi2q(-2.0 * spam_log, 2 * n)
    hamminess = 1.0 - _chi2q(-2.0 * ham_log, 2 * n)
    value = (spamminess - hamminess + 1.0) / 2.0
    by_spam = [f for _, p, f in sorted(clues, key=lambda c: -c[1]) if p > 0.5]
    by_ham = [f for _, p, f in sorted(clues, key=lambda c: c[1]) if p < 0.5]
    return Score(value, by_spam, by_ham)


LABEL_OF_STATUS = {"approved": HAM, "spam": SPAM}
# What one learned document adds to its marker row ("@c<pk>"), by label.
MARKER_COUNTS = {HAM: (1, 0), SPAM: (0, 1), None: (0, 0)}


def learn_from_decisions(comments, counts=None):
    """Learn each comment as its new status says (approved → ham, spam → spam),
    un-learning an earlier opposite lesson. Statuses that say nothing about spam
    (pending, reported, trash) leave what was learned alone."""
    wanted = {c.pk: LABEL_OF_STATUS[c.status] for c in comments if c.status in LABEL_OF_STATUS}
    return relearn([c for c in comments if c.pk in wanted], wanted, counts)


def lessons_of(comment_ids, counts=None):
    """{pk: HAM or SPAM} for those of the comments the classifier has learned from."""
    return (counts or DatabaseCounts()).markers(list(comment_ids))


def relearn(comments, wanted, counts=None):
    """Make what was learned of each comment what `wanted` says ({pk: HAM, SPAM or None,
    the last meaning nothing}): an earlier lesson is un-learned, the wanted one learned.
    An undone moderation passes what lessons_of read before it. Returns how many changed."""
    counts = counts or DatabaseCounts()
    if not comments:
        return 0
    learned = counts.markers([c.pk for c in comments])
    total = {}
    changed = 0
    for comment in comments:
        label, old = wanted.get(comment.pk), learned.get(comment.pk)
        if label == old:
            continue
        feats = features_of(comment)
        if old is not None:
            merge(total, lesson(feats, old, sign=-1))
        if label is not None:
            merge(total, lesson(feats, label))
        (old_ham, old_spam), (ham, spam) = MARKER_COUNTS[old], MARKER_COUNTS[label]
        merge(total, {f"{MARKER_PREFIX}{comment.pk}": (ham - old_ham, spam - old_spam)})
        changed += 1
    counts.apply(total)
    return changed
