"""Comments moved in from other comment systems (Disqus's XML export, an Isso database, a
Remark42 backup) onto Kabar's threads, keyed by the address of the page they were about.

Each reader (disqus.py, isso.py, remark42.py) turns its format into `source.Source`:
threads with their comments, the comments' text already as Kabar keeps it. importer.py
writes them, the same way for every format and through the same write path as the
WordPress importer's comments (discussion's `comment_import`)."""
