"""Comments moved in from other comment systems (Disqus's XML export, an Isso database, a
Remark42 backup) onto Kabar's threads, keyed by the address of the page they were about.

Each reader (disqus.py, isso.py, remark42.py) turns its format into `source.Source`:
threads with their comments, the comments' text already as Kabar keeps it. importer.py
writes them, the same way for every format and through the same write path as the
WordPress importer's comments (discussion's `comment_import`)."""

from .disqus import read_disqus
from .isso import read_isso
from .remark42 import read_remark42

SYSTEMS = ("disqus", "isso", "remark42")


def read_source(system, path, *, origin=""):
    """The file at `path` read by `system`'s reader (Isso's paths made whole on `origin`);
    FormatError when it is not such a file."""
    if system == "disqus":
        return read_disqus(path)
    if system == "isso":
        return read_isso(path, origin=origin)
    return read_remark42(path)
