"""What a comment import did: counts of threads and comments by result, the replies whose
parent was missing, and every item not brought in as it was, with the reason."""

from collections import Counter
from dataclasses import dataclass, field

KINDS = ("thread", "comment")
RESULTS = ("created", "updated", "unchanged", "skipped", "failed")


# The report's line for comments an import left as the newsroom moderated them (every
# importer's: Disqus, Isso, Remark42 here, WordPress in ingest.wordpress.importer).
KEPT_AS_MODERATED = "comments moderated or edited here since they were imported, left as they are"


@dataclass
class Report:
    system: str = ""
    dry_run: bool = False
    counts: dict = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    # Replies whose parent is not in the file (or was not brought in): kept at the top level.
    replies_moved_up: int = 0
    # Threads closed in the other system, closed in Kabar by this run.
    threads_closed: int = 0
    # Commenters' IP addresses that were not valid, left out (the comments kept).
    ips_left_out: int = 0
    # Comments moderated or edited in Kabar since an import wrote them: left as they are.
    kept_as_moderated: int = 0
    problems: list = field(default_factory=list)  # [(kind, source id, label, reason)]

    def count(self, kind, result, n=1):
        self.counts[kind][result] += n

    def problem(self, kind, source_id, label, reason, *, result="skipped"):
        self.count(kind, result)
        self.note(kind, source_id, label, reason)

    def note(self, kind, source_id, label, reason):
        """Brought in, with something left out or changed on the way."""
        label = " ".join(str(label).split())
        self.problems.append((kind, str(source_id), label[:120], str(reason)))

    def merge(self, other):
        for kind in KINDS:
            self.counts[kind].update(other.counts[kind])
        self.replies_moved_up += other.replies_moved_up
        self.threads_closed += other.threads_closed
        self.ips_left_out += other.ips_left_out
        self.kept_as_moderated += other.kept_as_moderated
        self.problems += other.problems

    def total(self, result, kind="comment"):
        return self.counts[kind][result]

    @property
    def items_read(self):
        """The comments the file held, whatever became of them."""
        return sum(self.counts["comment"].values())

    def as_dict(self):
        return {
            "system": self.system,
            "dry_run": self.dry_run,
            "counts": {k: {r: c[r] for r in RESULTS} for k, c in self.counts.items()},
            "replies_moved_up": self.replies_moved_up,
            "threads_closed": self.threads_closed,
            "ips_left_out": self.ips_left_out,
            "kept_as_moderated": self.kept_as_moderated,
            "problems": [list(p) for p in self.problems],
        }

    def lines(self):
        head = "Dry run: nothing was written." if self.dry_run else "Import finished."
        out = [head, f"{'':12}" + "".join(f"{r:>11}" for r in RESULTS)]
        for kind, counter in self.counts.items():
            out.append(f"{kind + 's':12}" + "".join(f"{counter[r]:>11}" for r in RESULTS))
        if self.replies_moved_up:
            out.append(f"replies kept at the top level (parent missing): {self.replies_moved_up}")
        if self.threads_closed:
            out.append(f"threads closed, as they were in the source: {self.threads_closed}")
        if self.ips_left_out:
            out.append(f"IP addresses not valid, left out: {self.ips_left_out}")
        if self.kept_as_moderated:
            out.append(f"{KEPT_AS_MODERATED}: {self.kept_as_moderated}")
        if self.problems:
            out.append(f"{len(self.problems)} item(s) not brought in as they were:")
            out += [f"  {k} {i} “{label}”: {reason}" for k, i, label, reason in self.problems]
        return out
