"""What this browser has proved, in signed cookies: the comments it sent (shows held
comments to their author, proves authorship for editing and deleting) and the addresses
whose owners confirmed them in it (trusted browsers)."""

import json
import time
from urllib.parse import unquote

from django.conf import settings
from django.urls import reverse

from kabar.core import signing
from kabar.core.dbguard import DATABASE_DOWN
from kabar.core.hashing import keyed_hash
from kabar.core.ids import parse_id

from .models import Comment, normalise_email
from .policy import site_rules
from .selectors import held_for_author, held_for_author_state
from .validation import is_one_line_text

# Signed, HttpOnly: the comments this browser sent, as "id.created" pairs. It shows held
# comments to their author and proves authorship for editing and deleting; a request that
# carries it gets a private, uncached page (the page cache must pass it by).
OWN_COOKIE = "kabar_own"
OWN_SALT = "kabar.discussion.own"
OWN_KEEP = 20
PENDING_COOKIE = OWN_COOKIE
# The signed value of OWN_KEEP entries is well under this; anything longer is not a proof.
OWN_PROOF_MAX_LENGTH = 1024
# The reader's name, email and website, remembered at their wish: read by the page's
# script to fill the form in, never printed by the server.
COMMENTER_COOKIE = "kabar_commenter"


def remembered_email(request):
    """The email in this browser's remembered details, lower-cased, or "". A claim anyone
    can make: only trusted_proofs can show the address is the reader's."""
    try:
        details = json.loads(unquote(request.COOKIES.get(COMMENTER_COOKIE, "")))
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        return ""
    email = details.get("email") if isinstance(details, dict) else None
    # Nothing but text (no lone surrogate, which no UTF-8 encodes, nor a control character).
    return normalise_email(email) if isinstance(email, str) and is_one_line_text(email) else ""


def own_comments(request):
    """{comment id: creation time in epoch seconds} from this browser's signed cookie. The
    creation time ties an entry to one row, so an id reused after a deletion proves nothing."""
    raw = signing.read_signed_cookie(
        request, OWN_COOKIE, OWN_SALT, settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"]
    )
    return _entries(raw)


def own_comments_proved(proof):
    """own_comments for the proof a script keeps instead of the cookie (own_proof: the
    cookie's signed value, sent back by the JSON API's clients in a header)."""
    if not isinstance(proof, str) or not proof or len(proof) > OWN_PROOF_MAX_LENGTH:
        return {}
    raw = signing.read_signed_cookie_value(
        proof, OWN_COOKIE, OWN_SALT, settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"]
    )
    return _entries(raw)


def _entries(raw):
    if not raw:
        return {}
    entries = {}
    for part in raw.split(",")[-OWN_KEEP:]:
        pk, _dot, created = part.partition(".")
        pk, created = parse_id(pk), parse_id(created)
        if pk is not None and created is not None:
            entries[pk] = created
    return entries


def created_stamp(comment):
    return int(comment.created_at.timestamp())


def store_own_comments(request, response, *, add=None, forget=None, rules=None):
    """Rewrite the own-comments cookie after a comment is sent, edited or removed. An entry
    lives while its comment may still be edited, or for PENDING_COOKIE_AGE while it waits
    for moderation; the cookie lasts as long as its longest-lived entry and goes when none
    is left, so the reader's pages come from the shared cache again."""
    value, max_age = _kept(own_comments(request), add=add, forget=forget, rules=rules)
    if not value:
        response.delete_cookie(OWN_COOKIE, samesite="Lax")
        return
    signing.set_signed_cookie(
        response,
        OWN_COOKIE,
        value,
        OWN_SALT,
        max_age,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def own_proof(entries, *, add=None, forget=None, rules=None):
    """store_own_comments for a client that keeps the proof itself: the cookie's signed
    value for `entries` (as own_comments_proved read them) after the change, or "" when
    nothing is left to prove."""
    value, _max_age = _kept(dict(entries), add=add, forget=forget, rules=rules)
    return signing.signed_cookie_value(OWN_COOKIE, value, OWN_SALT) if value else ""


def _kept(entries, *, add, forget, rules):
    """(value, max_age) of the proof after a change: the "id.created" pairs still worth
    keeping, and how long the longest-lived of them lives; ("", 0) when none is."""
    if forget is not None:
        entries.pop(forget.pk, None)
    # The comment just sent is in hand; only the earlier ones need their status read.
    earlier = [pk for pk in entries if add is None or pk != add.pk]
    held = set()
    if earlier:
        try:
            # Found by id, judged here: asked of the database together, the status test
            # leads SQLite down the status index, through every held comment on the site.
            rows = Comment.objects.filter(pk__in=earlier).values_list(
                "pk", "status", "moderated_at", "removed_at"
            )
            held = {pk for pk, *state in rows if held_for_author_state(*state)}
        except DATABASE_DOWN:
            held = set(earlier)  # kept the longer time rather than lost
    if add is not None:
        entries[add.pk] = created_stamp(add)
        if held_for_author(add):
            held.add(add.pk)
    window = (rules or site_rules()).edit_window_minutes * 60
    pending_age = settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"]
    now = time.time()
    until = {pk: at + (pending_age if pk in held else window) for pk, at in entries.items()}
    live = sorted((created, pk) for pk, created in entries.items() if until[pk] > now)[-OWN_KEEP:]
    if not live:
        return "", 0
    value = ",".join(f"{pk}.{created}" for created, pk in live)
    return value, int(max(until[pk] for _created, pk in live) - now) + 1


# Signed, HttpOnly, sent to the discussion's addresses only: keyed hashes of the addresses
# whose owners opened their confirmation link in this browser. Knowing a trusted address
# is not enough to post as its owner; posting from a browser that carries its proof is.
TRUSTED_COOKIE = "kabar_trusted"
TRUSTED_SALT = "kabar.discussion.trusted-browser"
TRUSTED_AGE = 60 * 60 * 24 * 365
TRUSTED_KEEP = 5
PROOF_LENGTH = 24


def address_proof(email):
    """The trusted-browser cookie's entry for `email`: a keyed hash, so the cookie names
    no address and none can be added without SECRET_KEY."""
    return keyed_hash(normalise_email(email), "trusted-browser")[:PROOF_LENGTH]


def trusted_proofs(request):
    """The address proofs this browser's signed cookie carries (a frozenset)."""
    return _proofs(signing.read_signed_cookie(request, TRUSTED_COOKIE, TRUSTED_SALT, TRUSTED_AGE))


def trusted_proofs_proved(proof):
    """trusted_proofs for the proof a script keeps instead of the cookie (trusted_proof:
    the cookie's signed value, sent back by the widget in a header)."""
    if not isinstance(proof, str) or not proof or len(proof) > OWN_PROOF_MAX_LENGTH:
        return frozenset()
    return _proofs(
        signing.read_signed_cookie_value(proof, TRUSTED_COOKIE, TRUSTED_SALT, TRUSTED_AGE)
    )


def _proofs(raw):
    if not raw:
        return frozenset()
    return frozenset(part for part in raw.split(",")[-TRUSTED_KEEP:] if part)


def _trusted_value(request, email):
    """The trusted-browser proofs of this browser with `email`'s added (the latest
    TRUSTED_KEEP: a shared computer, a family's)."""
    proof = address_proof(email)
    raw = signing.read_signed_cookie(request, TRUSTED_COOKIE, TRUSTED_SALT, TRUSTED_AGE) or ""
    kept = [part for part in raw.split(",") if part and part != proof]
    return ",".join([*kept, proof][-TRUSTED_KEEP:])


def trusted_proof(request, email):
    """What store_trusted_browser sets, as a value a script keeps itself: the widget on
    another site cannot see Kabar's cookie, so the page that confirms an address hands
    this to it (in a link's fragment) and it comes back in the API's trust header."""
    return signing.signed_cookie_value(TRUSTED_COOKIE, _trusted_value(request, email), TRUSTED_SALT)


def store_trusted_browser(request, response, email):
    """Remember in this browser that the owner of `email` confirmed it here."""
    signing.set_signed_cookie(
        response,
        TRUSTED_COOKIE,
        _trusted_value(request, email),
        TRUSTED_SALT,
        TRUSTED_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
        path=reverse("discussion:post").removesuffix("post/"),
    )
