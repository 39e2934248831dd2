#!/usr/bin/env python
"""Kabar's Indonesian catalogue for Wagtail's admin, checked against the installed Wagtail.

Wagtail ships its Indonesian as ``id_ID``, which Django never loads for Kabar's ``id``, and it
covers fewer than half of the admin's strings. Kabar writes its own in
``kabar/locale_wagtail/id/LC_MESSAGES/{django,djangojs}.po`` (in LOCALE_PATHS after
``kabar/locale``, so it overrides Wagtail's apps and Kabar's own catalogue overrides it).

    .venv/bin/python scripts/wagtail_messages.py check    # what an upgrade left untranslated
    .venv/bin/python scripts/wagtail_messages.py update   # add new msgids (empty), drop gone ones

``check`` exits 1 and lists every msgid of the apps below that has no Indonesian entry, or
whose entry lost a placeholder or an HTML tag. After ``update``, translate the empty entries
and compile: ``cd kabar && ../.venv/bin/python ../manage.py compilemessages``
(``make messages`` does both Kabar's catalogues and this one).
"""

import importlib.util
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "kabar" / "locale_wagtail" / "id" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")

# The apps whose strings an editor or a moderator meets in Kabar's admin (INSTALLED_APPS);
# Wagtail's own English catalogue of each is the list of msgids.
APPS = (
    "wagtail.admin",
    "wagtail",
    "wagtail.images",
    "wagtail.documents",
    "wagtail.snippets",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.search",
    "wagtail.users",
    "wagtail.embeds",
    "wagtail.contrib.redirects",
    "wagtail.contrib.table_block",
    "wagtail.sites",
    "taggit",
)

HEADER = {
    "Project-Id-Version": "Kabar (Wagtail admin in Indonesian)",
    "PO-Revision-Date": "2026-12-03 10:00+0700",
    "Last-Translator": "Kabar <redaksi@kabar.example>",
    "Language-Team": "Kabar (Indonesian)",
    "Language": "id",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}

_PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sdif]|\{[a-zA-Z_]\w*\}|</?[a-zA-Z][^>]*>"
)


def app_catalogue(app, domain):
    """The English catalogue an app ships (its msgids), or None."""
    spec = importlib.util.find_spec(app)
    path = Path(spec.origin).parent / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
    return path if path.exists() else None


def source_entries():
    """{(domain, msgctxt, msgid): (app, entry)} for every msgid of APPS, first app first."""
    found = {}
    for app in APPS:
        for domain in DOMAINS:
            path = app_catalogue(app, domain)
            if path is None:
                continue
            for entry in polib.pofile(str(path)):
                found.setdefault((domain, entry.msgctxt, entry.msgid), (app, entry))
    return found


def placeholders(text):
    """The sorted placeholders and HTML tags of a string: what a translation must keep."""
    return sorted(_PLACEHOLDER.findall(text or ""))


def translation_of(entry):
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def problems(source, translated):
    """Why an Indonesian entry is unusable for its English source, or None."""
    if translated is None or not translation_of(translated).strip():
        return "no Indonesian"
    if translated.fuzzy:
        return "fuzzy"
    text = translation_of(translated)
    # A plural's one Indonesian form may use the placeholders of either English form.
    allowed = set(placeholders(source.msgid)) | set(placeholders(source.msgid_plural))
    required = placeholders(source.msgid_plural or source.msgid)
    have = placeholders(text)
    if not set(have) <= allowed:
        return f"placeholders {sorted(set(have) - allowed)} not in the English"
    if source.msgid_plural:
        # The singular may spell out "1"; the plural form's named values must all be there.
        names = [p for p in required if p.startswith("%(") or p.startswith("{")]
        missing = [p for p in names if p not in have and p in placeholders(source.msgid)]
    else:
        missing = [p for p in required if have.count(p) < required.count(p)]
    if missing:
        return f"lost {missing}"
    return None


def catalogue(domain, directory=CATALOGUE):
    path = Path(directory) / f"{domain}.po"
    if path.exists():
        return polib.pofile(str(path))
    po = polib.POFile()
    po.metadata = dict(HEADER)
    return po


def missing(directory=CATALOGUE):
    """[(domain, msgctxt, msgid, reason)] for every source msgid without a usable entry."""
    ours = {domain: catalogue(domain, directory) for domain in DOMAINS}
    index = {
        (domain, e.msgctxt, e.msgid): e for domain, po in ours.items() for e in po if not e.obsolete
    }
    out = []
    for key, (_app, entry) in source_entries().items():
        reason = problems(entry, index.get(key))
        if reason:
            out.append((*key, reason))
    return out


def update(directory=CATALOGUE):
    """Add the installed Wagtail's new msgids (untranslated) and drop the ones it no longer has."""
    sources = source_entries()
    added = removed = 0
    for domain in DOMAINS:
        po = catalogue(domain, directory)
        keys = {(domain, e.msgctxt, e.msgid) for e in po}
        for key, (app, entry) in sources.items():
            if key[0] != domain or key in keys:
                continue
            po.append(
                polib.POEntry(
                    msgctxt=entry.msgctxt,
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    msgstr="" if not entry.msgid_plural else None,
                    msgstr_plural={0: ""} if entry.msgid_plural else {},
                    flags=[f for f in entry.flags if f != "fuzzy"],
                    comment=app,
                )
            )
            added += 1
        for e in list(po):
            if (domain, e.msgctxt, e.msgid) not in sources:
                po.remove(e)
                removed += 1
        Path(directory).mkdir(parents=True, exist_ok=True)
        po.save(str(Path(directory) / f"{domain}.po"))
    return added, removed


def main(argv):
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        added, removed = update()
        print(f"{added} new msgids added untranslated, {removed} no longer in Wagtail removed.")
        command = "check"
    if command == "check":
        gaps = missing()
        for domain, msgctxt, msgid, reason in gaps:
            context = f" [{msgctxt}]" if msgctxt else ""
            print(f"{domain}{context}: {msgid!r}: {reason}")
        total = len(source_entries())
        print(f"{total - len(gaps)} of {total} Wagtail admin msgids have Indonesian.")
        return 1 if gaps else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
