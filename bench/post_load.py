"""A comment-posting load: N readers fetch the article, read the comment form's fields
(hidden token, honeypot and all, as a browser would send them) and post comments, each
carrying a unique marker, for a bounded time. Counts what was acknowledged (a redirect to
#comment-<id>), what was refused and how, and what was sent but never answered.

    python -m bench.post_load --port 8000 --path /kabar-internasional/artikel/ \
        --posters 8 --duration 15

Plain asyncio streams, no dependency: the client must cost little CPU on a 2-core machine
where it shares the cores with the server it measures.
"""

import argparse
import asyncio
import collections
import contextlib
import json
import random
import re
import secrets
import statistics
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

MARKER_RE = re.compile(r"\[kb:([0-9a-z]+-\d+-\d+)\]")
ACK_RE = re.compile(r"#comment-(\d+)$")
# KABAR_PRIVATE_COOKIES: a request carrying one bypasses the page cache.
PRIVATE_COOKIES = ("sessionid", "kabar_own", "kabar_pending", "messages")

WORDS = [
    *("banjir", "warga", "sungai", "jembatan", "pemerintah", "desa", "data", "laporan"),
    *("air", "listrik", "sekolah", "pasar", "harga", "nelayan", "petani", "kota", "hujan"),
    *("jalan", "bantuan", "relawan", "tanggul", "musim"),
]


class NotSent(Exception):
    """The request never left: the server refused the connection."""


class InDoubt(Exception):
    """The request was (maybe) sent but no complete response came back."""


@dataclass
class Response:
    status: int
    headers: list
    body: bytes

    def header(self, name, default=""):
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return default

    def all(self, name):
        name = name.lower()
        return [value for key, value in self.headers if key == name]


class Connection:
    """One HTTP/1.1 client connection with keep-alive, reopened when the server closes it."""

    def __init__(self, host, port, timeout=10.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.reader = self.writer = None

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method, path, headers=None, body=b""):
        fresh = self.writer is None
        if fresh:
            try:
                self.reader, self.writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), self.timeout
                )
            except (TimeoutError, OSError) as exc:
                await self.close()
                raise NotSent(str(exc) or type(exc).__name__) from exc
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        try:
            self.writer.write(payload)
            await self.writer.drain()
            # A deadline on this task, not wait_for's task of its own for every request.
            async with asyncio.timeout(self.timeout):
                response = await self._read()
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            if not fresh and method == "GET":
                # A kept-alive connection the server had already closed: retry once, fresh.
                return await self.request(method, path, headers, body)
            raise InDoubt(str(exc) or type(exc).__name__) from exc
        if response.header("connection").lower() == "close":
            await self.close()
        return response

    async def _read(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = []
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers.append((name.strip().lower(), value.strip()))
        response = Response(status, headers, b"")
        if response.header("transfer-encoding").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            response.body = b"".join(chunks)
        elif response.header("content-length"):
            response.body = await self.reader.readexactly(int(response.header("content-length")))
        elif status not in (204, 304) and status >= 200:
            response.body = await self.reader.read()
            await self.close()
        return response


class FormParser(HTMLParser):
    """The fields of the comment form, as a browser would submit them untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.found = False
        self.action = None
        self.fields = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.found:
            action = attrs.get("action") or ""
            if attrs.get("id") == "commentform" or "/comments/post" in action:
                self.in_form = self.found = True
                self.action = action
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            if kind in {"submit", "button", "image", "file"}:
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_data(self, data):
        if self._textarea and self.fields and self.fields[-1][0] == self._textarea:
            self.fields[-1] = (self._textarea, self.fields[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.in_form:
            self.in_form = False


def parse_form(html):
    parser = FormParser()
    parser.feed(html.decode("utf-8", "replace"))
    if not parser.found:
        return None
    return parser.action, parser.fields


@dataclass
class Stats:
    run_id: str
    started: float = 0.0
    ended: float = 0.0
    acked: dict = field(default_factory=dict)  # marker -> comment id
    ack_times: list = field(default_factory=list)  # (monotonic, marker)
    ack_latency: list = field(default_factory=list)
    refused: collections.Counter = field(default_factory=collections.Counter)  # status -> n
    refusal_samples: dict = field(default_factory=dict)
    in_doubt: list = field(default_factory=list)  # markers sent without an answer
    not_sent: int = 0
    form_errors: collections.Counter = field(default_factory=collections.Counter)
    sent: int = 0
    # When posting stops (loop.time()); a fault test may push it back.
    deadline: float = 0.0

    def summary(self):
        elapsed = max(self.ended - self.started, 1e-9)
        latency = sorted(self.ack_latency)
        return {
            "run_id": self.run_id,
            "seconds": round(elapsed, 2),
            "sent": self.sent,
            "acknowledged": len(self.acked),
            "acknowledged_per_s": len(self.acked) / elapsed,
            "refused": dict(self.refused),
            "refusal_samples": self.refusal_samples,
            "in_doubt": len(self.in_doubt),
            "not_sent": self.not_sent,
            "form_errors": dict(self.form_errors),
            "p50_ms": _pct(latency, 50),
            "p99_ms": _pct(latency, 99),
            "duplicate_ids": len(self.acked) - len(set(self.acked.values())),
        }


def merged(parts):
    """The Stats of several runs (slices of one measurement, with other work between them)
    taken as one run: what each counted, added up, over the sum of their durations. Its
    `run_id` is theirs joined with commas (`marker_patterns` reads it)."""
    first = parts[0]
    whole = type(first)(run_id=",".join(part.run_id for part in parts))
    for part in parts:
        for name, value in vars(part).items():
            if name in ("run_id", "started", "ended", "deadline"):
                continue
            mine = getattr(whole, name)
            if isinstance(value, collections.Counter):
                mine.update(value)
            elif isinstance(value, dict):
                for key, item in value.items():
                    mine.setdefault(key, item)
            elif isinstance(value, list):
                mine.extend(value)
            else:
                setattr(whole, name, mine + value)
    whole.ended = sum(part.ended - part.started for part in parts)
    return whole


def marker_patterns(run_id):
    """SQL LIKE patterns matching the comments of the runs a Stats' `run_id` names (one,
    or those of the slices merged): one per run."""
    return [f"%[kb:{one}-%" for one in run_id.split(",")]


def _pct(values, pct):
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def _cookie_header(jar):
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def _remember_cookies(jar, response):
    for raw in response.all("set-cookie"):
        pair = raw.split(";", 1)[0]
        name, _, value = pair.partition("=")
        name = name.strip()
        expired = "max-age=0" in raw.lower() or "1970" in raw
        if expired or value in ('""', ""):
            jar.pop(name, None)
        else:
            jar[name] = value


class KnownCommenter(tuple):
    """A known commenter's (name, email), unpacked like any other identity, with the cookie
    of the browser they confirmed the address in (setup_site.trusted_browsers: name, value,
    path) or None. Their posts carry it, as that browser's would: without it Kabar holds a
    trusted address's comment for moderation (trust.UNPROVEN_BROWSER)."""

    def __new__(cls, name, email, cookie=None):
        self = super().__new__(cls, (name, email))
        self.cookie = cookie
        return self


def known_commenters(info):
    """The known commenters of a site set up by bench/setup_site.py (its JSON), each with
    its browser's cookie."""
    cookies = info.get("trusted_browsers") or {}
    return [
        KnownCommenter(name, email, cookies.get(email))
        for name, email in info.get("known_commenters") or []
    ]


def browser_cookies(jar, identity, path):
    """The cookies a browser sends with a request to `path`: the jar's, plus a known
    commenter's proof where its cookie's path covers `path`."""
    cookies = dict(jar)
    proof = getattr(identity, "cookie", None)
    if proof and path.startswith(proof["path"]):
        cookies[proof["name"]] = proof["value"]
    return cookies


def form_filler(fields, name, email):
    """A function of a comment's text giving the form's body as a browser posts it: the
    fields as the form has them, name and email this poster's, the website empty. All of
    it but the text is encoded once per form: urlencode of every field on every post was
    the client's largest cost (the client shares the cores with the server it measures)."""
    values = {"author_name": name, "author_email": email, "author_url": ""}
    parts = [
        None if key == "body" else urlencode([(key, values.get(key, value))])
        for key, value in fields
    ]

    def filled(text):
        body = urlencode([("body", text)])
        return "&".join(body if part is None else part for part in parts).encode()

    return filled


def comment_text(rng, marker):
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30)))
    return f"Komentar uji beban [kb:{marker}]. Menurut saya {words}."


async def send_counted(conn, stats, cfg, path, headers, body, marker):
    """POST one comment, counting it as sent, never sent (the connection was refused) or in
    doubt (sent, no whole answer): the response, or None after a pause."""
    try:
        response = await conn.request("POST", path, headers, body)
    except NotSent:
        stats.not_sent += 1
        await asyncio.sleep(cfg.backoff)
        return None
    except InDoubt:
        stats.sent += 1
        stats.in_doubt.append(marker)
        await asyncio.sleep(cfg.backoff)
        return None
    stats.sent += 1
    return response


async def poster(index, cfg, stats, identity):
    """One reader posting comments in a loop until `stats.deadline` (loop.time())."""
    loop = asyncio.get_running_loop()
    rng = random.Random(f"{stats.run_id}-{index}")
    conn = Connection(cfg.host, cfg.port, timeout=cfg.timeout)
    origin = f"http://{cfg.host}:{cfg.port}"
    jar = {}
    form = None
    form_at = 0.0
    seq = 0
    name, email = identity
    try:
        while loop.time() < stats.deadline:
            if form is None or loop.time() - form_at > cfg.refetch_after:
                try:
                    page = await conn.request(
                        "GET", cfg.path, {"Cookie": _cookie_header(jar)} if jar else {}
                    )
                except (NotSent, InDoubt) as exc:
                    stats.form_errors[type(exc).__name__] += 1
                    if isinstance(exc, NotSent):
                        stats.not_sent += 1
                    await asyncio.sleep(cfg.backoff)
                    continue
                _remember_cookies(jar, page)
                form = parse_form(page.body) if page.status == 200 else None
                if form is None:
                    stats.form_errors[f"GET {page.status}"] += 1
                    await asyncio.sleep(cfg.backoff)
                    continue
                form_at = loop.time()
                filled = form_filler(form[1], name, email)
            action = form[0]
            marker = f"{stats.run_id}-{index}-{seq}"
            seq += 1
            body = filled(comment_text(rng, marker))
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + cfg.path,
                "User-Agent": "kabar-bench/1",
            }
            post_path = urlsplit(action).path or action
            cookies = browser_cookies(jar, identity, post_path)
            if cookies:
                headers["Cookie"] = _cookie_header(cookies)
            start = loop.time()
            response = await send_counted(conn, stats, cfg, post_path, headers, body, marker)
            if response is None:
                continue
            _remember_cookies(jar, response)
            if not cfg.keep_cookies:
                # A fresh reader each time: the cookies naming this poster's own comments
                # would make its later form fetches private, hence rendered uncached.
                for cookie in PRIVATE_COOKIES:
                    jar.pop(cookie, None)
            match = ACK_RE.search(response.header("location"))
            if response.status in (301, 302, 303) and match:
                stats.acked[marker] = int(match.group(1))
                stats.ack_times.append((loop.time(), marker))
                stats.ack_latency.append((loop.time() - start) * 1000)
            else:
                stats.refused[response.status] += 1
                if response.status not in stats.refusal_samples:
                    stats.refusal_samples[response.status] = _excerpt(response)
                form = None  # fetch a fresh form, as a reader would after an error
                if response.status >= 500:
                    await asyncio.sleep(cfg.backoff)
    finally:
        await conn.close()


def _excerpt(response):
    text = response.body.decode("utf-8", "replace")
    match = re.search(
        r'class="[^"]*(?:errorlist|comment-error|error)[^"]*"[^>]*>(.*?)<', text, re.S
    )
    summary = match.group(1).strip() if match else re.sub(r"\s+", " ", text)[:200]
    retry = response.header("retry-after")
    return summary[:300] + (f" (Retry-After: {retry})" if retry else "")


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 8000
    path: str = "/"
    posters: int = 8
    duration: float = 15.0
    timeout: float = 15.0
    backoff: float = 0.05
    # Reuse a fetched form this long (a token is good for far longer); errors refetch.
    refetch_after: float = 5.0
    keep_cookies: bool = False
    # Share of posters writing as a commenter with approved comments, from the browser
    # they confirmed their address in (published at once); the others are new commenters,
    # whose comments are held for moderation.
    known_share: float = 0.5
    # (name, email) pairs; KnownCommenter ones (known_commenters()) carry their cookie.
    known_commenters: list = field(default_factory=list)


def identities(cfg, run_id):
    """(name, email) per poster: the first share as known commenters (a KnownCommenter
    keeps its cookie), the rest new."""
    known = [p if isinstance(p, tuple) else tuple(p) for p in cfg.known_commenters or []]
    n_known = round(cfg.posters * cfg.known_share) if known else 0
    return [
        known[i % len(known)]
        if i < n_known
        else (f"Pembaca Baru {run_id} {i}", f"baru.{run_id}.{i}@example.net")
        for i in range(cfg.posters)
    ]


async def run_async(cfg, stats=None, events=None):
    stats = stats or Stats(run_id=secrets.token_hex(3))
    loop = asyncio.get_running_loop()
    stats.started = loop.time()
    stats.deadline = stats.started + cfg.duration
    people = identities(cfg, stats.run_id)
    tasks = [asyncio.create_task(poster(i, cfg, stats, people[i])) for i in range(cfg.posters)]
    for task in events or ():
        tasks.append(asyncio.create_task(task))
    await asyncio.gather(*tasks)
    stats.ended = loop.time()
    return stats


def run(cfg, stats=None, events=None):
    return run_coroutine(lambda: run_async(cfg, stats, events))


def run_coroutine(make):
    """asyncio.run(make()), in a thread of its own when this thread already runs an event
    loop (under pytest, Playwright's sync API leaves one running)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    outcome = {}

    def target():
        try:
            outcome["result"] = asyncio.run(make())
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="kabar-bench-load", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True, help="the article's path")
    parser.add_argument("--posters", type=int, default=8)
    parser.add_argument("--duration", type=float, default=15.0)
    args = parser.parse_args()
    cfg = Config(port=args.port, path=args.path, posters=args.posters, duration=args.duration)
    stats = run(cfg)
    print(json.dumps(stats.summary(), indent=2, default=str))


if __name__ == "__main__":
    main()
