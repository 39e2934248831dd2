"""Every public endpoint and form of Kabar, as Hypothesis strategies for the paths,
methods and fields a client may send to it."""

from hypothesis import strategies as st

from tests.fuzz import strategies as fz

# Names only, for pytest's parameters: the strategies need the world, built per test.
ENDPOINTS = [
    "home",
    "section",
    "article",
    "restricted article",
    "author",
    "tag",
    "news feeds",
    "comment post",
    "permalink",
    "report",
    "comment feeds",
    "confirm link",
    "unsubscribe link",
    "edit",
    "delete",
    "avatar",
    "privacy request",
    "privacy link",
    "language switch",
    "sitemap",
    "admin login",
    "password reset",
    "page password",
    "frontend login",
    "documents",
    "any path",
]


COMMENT_FIELDS = [
    "page",
    "body",
    "author_name",
    "author_email",
    "author_url",
    "remember",
    "notify_replies",
    "parent",
    "form_token",
    "subject",
]


def _tokens(genuine):
    """Genuine mailed tokens, the same with one character changed, and junk."""
    tampered = st.tuples(st.sampled_from(genuine), st.integers(0, 200), st.sampled_from("A_-:0"))
    return st.one_of(
        st.sampled_from(genuine),
        tampered.map(lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]),
        fz.segment(),
    )


def _good_text():
    return st.sampled_from(
        ["Komentar yang bermakna tentang berita ini.", "Saya setuju.", "Apa sumbernya?"]
    )


def good_comment(w):
    """What a reader sends: every field as the form on the article fills it in."""
    return st.fixed_dictionaries(
        {
            "page": st.just(str(w.article.pk)),
            "body": _good_text(),
            "author_name": st.sampled_from(["Budi", "Sari Dewi"]),
            "author_email": st.emails(),
            "form_token": st.just(w.tokens["form"][0]),
        },
        optional={
            "author_url": st.just("https://pembaca.example/"),
            "remember": st.just("on"),
            "notify_replies": st.just("on"),
            "subject": st.just(""),
        },
    )


def hostile_comment_fields(w):
    """Anything in each of the comment form's fields."""
    return {
        "page": fz.ids([w.article.pk, w.restricted.pk, w.section.pk, w.home.pk]),
        "body": fz.junk_in("Komentar"),
        "author_name": fz.junk_in("Budi"),
        "author_email": fz.emails(),
        "author_url": fz.urls(),
        "remember": fz.junk(),
        "notify_replies": fz.junk(),
        "parent": fz.ids(w.comment_ids),
        "form_token": _tokens(w.tokens["form"]),
        "subject": fz.junk(),
    }


def endpoints(w):
    """Every public endpoint and form: {name: (paths, usual methods, form fields)}."""
    comment = fz.segment([str(pk) for pk in w.comment_ids])
    pages = fz.segment([str(w.article.pk), str(w.restricted.pk), str(w.section.pk)])

    def under(template, *parts):
        return st.tuples(*parts).map(lambda found: template.format(*found))

    login = {"username": fz.junk(), "password": fz.junk(), "next": fz.urls()}
    return {
        "home": (st.just("/"), ["GET"], {}),
        "section": (st.just(w.section.url), ["GET"], {}),
        "article": (st.just(w.article.url), ["GET"], {}),
        "restricted article": (st.just(w.restricted.url), ["GET"], {"password": fz.junk()}),
        "author": (under("/penulis/{}/", fz.segment([w.author_slug])), ["GET"], {}),
        "tag": (under("/topik/{}/", fz.segment(["iklim"])), ["GET"], {}),
        "news feeds": (
            st.one_of(
                st.sampled_from(["/feed/", "/feed/atom/"]),
                under(
                    "/feed/rubrik/{}/{}",
                    fz.segment([w.section.slug]),
                    st.sampled_from(["", "atom/"]),
                ),
            ),
            ["GET"],
            {},
        ),
        "comment post": (st.just("/comments/post/"), ["POST"], hostile_comment_fields(w)),
        "permalink": (under("/comments/{}/", comment), ["GET"], {}),
        "report": (
            under("/comments/{}/report/", comment),
            ["GET", "POST"],
            {"reason": st.sampled_from(["spam", "abuse", "other"]) | fz.junk(), "note": fz.junk()},
        ),
        "comment feeds": (
            st.one_of(
                st.sampled_from(["/comments/feed/", "/comments/feed/atom/"]),
                under("/comments/feed/article/{}/{}", pages, st.sampled_from(["", "atom/"])),
            ),
            ["GET"],
            {},
        ),
        "confirm link": (
            under("/comments/confirm/{}/", _tokens(w.tokens["confirm"])),
            ["GET", "POST"],
            {},
        ),
        "unsubscribe link": (
            under("/comments/unsubscribe/{}/", _tokens(w.tokens["unsubscribe"])),
            ["GET", "POST"],
            {"scope": st.sampled_from(["all", "one"]) | fz.junk()},
        ),
        "edit": (under("/comments/{}/edit/", comment), ["GET", "POST"], {"body": fz.junk()}),
        "delete": (under("/comments/{}/delete/", comment), ["GET", "POST"], {}),
        "avatar": (
            under(
                "/comments/avatar/{}.svg",
                st.from_regex(r"[0-9a-f]{32}", fullmatch=True) | fz.segment(),
            ),
            ["GET"],
            {},
        ),
        "privacy request": (
            st.just("/comments/privacy/"),
            ["GET", "POST"],
            {"email": fz.emails(), "action": st.sampled_from(["export", "erase"]) | fz.junk()},
        ),
        "privacy link": (
            under("/comments/privacy/{}/", _tokens(w.tokens["privacy"])),
            ["GET", "POST"],
            {},
        ),
        "language switch": (
            st.just("/i18n/setlang/"),
            ["GET"],
            {"language": st.sampled_from(["id", "en"]) | fz.junk(), "next": fz.urls()},
        ),
        "sitemap": (st.just("/sitemap.xml"), ["GET"], {}),
        "admin login": (st.just("/admin/login/"), ["GET", "POST"], login),
        "password reset": (
            st.just("/admin/password_reset/"),
            ["GET", "POST"],
            {"email": fz.emails()},
        ),
        "page password": (
            under(
                "/_util/authenticate_with_password/{}/{}/",
                fz.segment([str(w.restriction.pk)]),
                pages,
            ),
            ["POST"],
            {"password": fz.junk(), "return_url": fz.urls()},
        ),
        "frontend login": (st.just("/_util/login/"), ["GET", "POST"], login),
        "documents": (under("/documents/{}/{}", fz.segment(["1"]), fz.segment()), ["GET"], {}),
        "any path": (
            st.lists(fz.segment(), min_size=1, max_size=4).map(lambda p: "/" + "/".join(p) + "/"),
            ["GET"],
            {},
        ),
    }


QUERY_FIELDS = {
    "cpage": fz.ids(),
    "page": fz.ids(),
    "replytocom": fz.ids(),
    "next": fz.urls(),
    "utm_source": fz.junk(),
    "fbclid": fz.junk(),
    "q": fz.junk(),
}
