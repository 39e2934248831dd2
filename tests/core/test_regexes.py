"""Kabar's regular expressions run over what readers, commenters and imported files send.
The shape that most often makes one take time in the square of that text's length is a
repetition of a group with no upper bound around another repetition of varying length
("(?:[a-z]+\\.)+" over "www." 16,000 times: each start tries every split of what
follows). Python's engine has no step counter to bound, so that shape itself is refused
in every pattern a module keeps (at its top level, or in a dict, list or tuple there).
Other slow shapes (alternatives of different lengths under a repetition) are not
looked for."""

import importlib
import pkgutil
import re
from re import _constants as sre
from re import _parser

import kabar
from kabar.discussion.spam.content import BARE_HOST_RE, read_fields

REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _children(op, av):
    """The parsed subpatterns under one node."""
    if op in REPEATS:
        return [av[2]]
    if op == sre.SUBPATTERN:
        return [av[-1]]
    if op == sre.BRANCH:
        return list(av[1])
    if op == sre.ATOMIC_GROUP:
        return [av]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    return []


def _varies(items):
    """Whether `items` hold a repetition of varying count (x*, x+, x{0,40}; not x{2})."""
    for op, av in items:
        if op in REPEATS and av[0] != av[1]:
            return True
        if any(_varies(child) for child in _children(op, av)):
            return True
    return False


def nested_unbounded(items):
    """Whether a repetition with no upper bound holds one of varying count."""
    for op, av in items:
        if op in REPEATS and av[1] == sre.MAXREPEAT and _varies(av[2]):
            return True
        if any(nested_unbounded(child) for child in _children(op, av)):
            return True
    return False


def kabar_patterns():
    """Every compiled pattern a module of Kabar keeps at its top level: {name: pattern}."""
    found = {}
    for module in pkgutil.walk_packages(kabar.__path__, "kabar."):
        if ".migrations" in module.name or module.name.startswith("kabar.settings"):
            continue
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            held = value.items() if isinstance(value, dict) else None
            if isinstance(value, list | tuple | frozenset | set):
                held = enumerate(value)
            for key, item in held or [("", value)]:
                if isinstance(item, re.Pattern):
                    found.setdefault(f"{module.name}.{name}{f'[{key!r}]' if held else ''}", item)
    return found


def test_the_check_knows_the_slow_shape():
    def shape(pattern):
        return nested_unbounded(_parser.parse(pattern))

    assert shape(r"\b(?:[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?\.)+(?:com|net)\b")
    assert shape(r"(a+)+$")
    assert shape(r"(?:\w*\s)*x")
    assert not shape(r"\b(?:[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?\.){1,8}(?:com|net)\b")
    assert not shape(r"(?:%[0-9A-Fa-f]{2})+")
    assert not shape(r"[\w.+-]{1,64}@[a-z0-9-]{1,63}")


def test_no_pattern_of_kabar_nests_a_varying_repetition_in_an_unbounded_one():
    patterns = kabar_patterns()
    # The spam checks' patterns are among them (the walk reaches every module).
    assert "kabar.discussion.spam.content.BARE_HOST_RE" in patterns
    # The spam checks' sales pitches live in a dict (PITCH_RES): read too.
    assert any(name.startswith("kabar.discussion.spam.content.PITCH_RES[") for name in patterns)
    assert len(patterns) > 80
    slow = [
        name
        for name, pattern in patterns.items()
        if nested_unbounded(_parser.parse(pattern.pattern, pattern.flags))
    ]
    assert slow == []


def test_bare_hosts_are_still_read_with_their_labels_bounded():
    def hosts(text):
        return [match.group(0) for match in BARE_HOST_RE.finditer(text)]

    assert hosts("daftar di gacor88.com.") == ["gacor88.com"]
    assert hosts("info www.slot-gacor.xyz sekarang") == ["www.slot-gacor.xyz"]
    # More labels than eight: read by its last eight and the top-level one.
    many = ".".join(f"l{i}" for i in range(12)) + ".com"
    assert hosts(many) == [".".join(f"l{i}" for i in range(4, 12)) + ".com"]


def test_a_comment_of_labels_with_no_known_ending_reads_no_host():
    """The comment that took 37 s to read before the bound (65,000 letters of ".ab") is
    read (this test would only time out on the old pattern: the structural test above is
    the guard), and a host ahead of such a run is still found."""
    reading = read_fields(".ab" * 21_666)
    assert reading.hosts == []
    assert read_fields("daftar di gacor88 titik com" + ".ab" * 21_000).hosts == ["gacor88.com"]
