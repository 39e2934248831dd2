"""Moderation and disallowed word lists, matched in time linear in the comment's length.

WordPress matches each listed word as a regular expression against every field, which
is slow with long lists and matches "anal" inside "analisis". Here a list is compiled
once (cached by its text) into an Aho–Corasick automaton over folded text: one pass
over a field finds every listed entry, whatever the list's length, with no regular
expression and so no backtracking.

An entry matches whole words: "judi" matches "judi online" but not "judicial". A `*`
at either end lets that end run into a longer word: "judi*" also matches "judionline",
"*gacor" matches "slotgacor". Entries that begin or end with a non-word character
("@spam.example", "203.0.113.") match wherever they occur, so IP prefixes and email
domains work as they do in WordPress. Lines starting with `#` are comments.
"""

import functools
from collections import deque
from dataclasses import dataclass

from .text import fold, is_word_char

# Longer entries are almost certainly pasted text, not words; they are ignored.
MAX_ENTRY_LENGTH = 100


@dataclass(frozen=True)
class Entry:
    text: str  # as the operator wrote it, for the reasons
    folded: str
    open_start: bool
    open_end: bool


def parse(lines):
    entries, seen = [], set()
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        open_start, open_end = line.startswith("*"), line.endswith("*")
        folded = fold(line.strip("*").strip())
        if not folded or len(folded) > MAX_ENTRY_LENGTH:
            continue
        # An end that is not a letter or digit has no word boundary to respect.
        open_start = open_start or not is_word_char(folded[0])
        open_end = open_end or not is_word_char(folded[-1])
        key = (folded, open_start, open_end)
        if key not in seen:
            seen.add(key)
            entries.append(Entry(line, folded, open_start, open_end))
    return entries


class WordList:
    """An Aho–Corasick automaton over a list's entries.

    Entries that need a word boundary after them ("closed") and those that do not
    ("open") hang off separate output chains: inside a word only the open chain is
    walked, so a long run of letters costs one step per character however many entries
    share its suffixes."""

    def __init__(self, lines):
        self.entries = parse(lines)
        goto = [{}]
        closed_here = [[]]
        open_here = [[]]
        for index, entry in enumerate(self.entries):
            state = 0
            for ch in entry.folded:
                nxt = goto[state].get(ch)
                if nxt is None:
                    nxt = len(goto)
                    goto[state][ch] = nxt
                    goto.append({})
                    closed_here.append([])
                    open_here.append([])
                state = nxt
            (open_here if entry.open_end else closed_here)[state].append(index)
        fail = [0] * len(goto)
        # Nearest state on the failure chain (itself included) with closed / open outputs.
        first_closed = [0] * len(goto)
        first_open = [0] * len(goto)
        queue = deque()
        for state in goto[0].values():
            queue.append(state)
        while queue:
            state = queue.popleft()
            back = fail[state]
            first_closed[state] = state if closed_here[state] else first_closed[back]
            first_open[state] = state if open_here[state] else first_open[back]
            for ch, nxt in goto[state].items():
                queue.append(nxt)
                probe = back
                while probe and ch not in goto[probe]:
                    probe = fail[probe]
                target = goto[probe].get(ch, 0)
                fail[nxt] = target if target != nxt else 0
        self._goto, self._fail = goto, fail
        self._closed, self._open = closed_here, open_here
        self._first_closed, self._first_open = first_closed, first_open

    def __bool__(self):
        return bool(self.entries)

    def find(self, text, *, limit=3, stats=None):
        """The entries found in `text` (at most `limit`, each once), in order of
        appearance. `stats`, if given, receives the number of steps taken."""
        found = []
        if not self.entries or not text:
            return found
        folded = fold(text)
        goto, fail = self._goto, self._fail
        closed, opened = self._closed, self._open
        first_closed, first_open = self._first_closed, self._first_open
        entries = self.entries
        word = [is_word_char(ch) for ch in folded]
        length = len(folded)
        seen = set()
        steps = 0
        state = 0
        for i, ch in enumerate(folded):
            while state and ch not in goto[state]:
                state = fail[state]
                steps += 1
            state = goto[state].get(ch, 0)
            steps += 1
            chains = []
            # A closed entry ending here needs the word to end here too.
            if first_closed[state] and not (word[i] and i + 1 < length and word[i + 1]):
                chains.append((first_closed[state], closed, first_closed))
            if first_open[state]:
                chains.append((first_open[state], opened, first_open))
            for node, outputs, first in chains:
                while node:
                    for index in outputs[node]:
                        steps += 1
                        entry = entries[index]
                        start = i - len(entry.folded) + 1
                        if not entry.open_start and start > 0 and word[start - 1]:
                            continue
                        if index not in seen:
                            seen.add(index)
                            found.append(entry.text)
                            if len(found) >= limit:
                                if stats is not None:
                                    stats["steps"] = steps
                                return found
                    node = first[fail[node]]
                    steps += 1
        if stats is not None:
            stats["steps"] = steps
        return found


@functools.lru_cache(maxsize=16)
def compiled(words_text):
    """The automaton for a list as stored in the settings, built once per distinct list."""
    return WordList((words_text or "").splitlines())
