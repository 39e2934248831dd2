"""How the benchmark reaches past Kabar's page cache, and how it puts the example nginx
configuration (deploy/nginx/kabar.conf) in front of the benchmark's server."""

import re
from pathlib import Path

from bench import harness

DEPLOY_CONF = harness.ROOT / "deploy" / "nginx" / "kabar.conf"
CACHE_HEADER = "x-kabar-cache"
# A private cookie (KABAR_PRIVATE_COOKIES) makes the page cache step aside: the page is
# rendered for this request alone. The value is not a valid signed list of the reader's
# held comments, so the page rendered is exactly the anonymous one.
BYPASS = {"Cookie": "kabar_pending=bench-uncached"}


def bypass_headers():
    """Request headers that make Kabar render a page afresh instead of from its cache."""
    return dict(BYPASS)


def cache_state(port, path, headers=None):
    """What Kabar's page cache says it did for one GET (hit, miss, bypass, pass), or
    'absent' when the response carries no cache header at all."""
    status, response_headers, _body = harness.http_get(port, path, headers)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return response_headers.get(CACHE_HEADER, "absent")


def front_server_block(kabar_port, listen_port, nginx_dir, data_dir, source=None):
    """The example configuration, made to run here: its upstream pointed at the benchmark's
    Kabar, its HTTPS server listening on plain HTTP at 127.0.0.1:`listen_port` (no
    certificates on loopback), the redirect-only server left out, and its cache and file
    paths moved into the benchmark's directories. Everything else (micro-cache, cache key,
    bypass rules, headers) is kept as written. None when there is no example file."""
    path = source or DEPLOY_CONF
    if not path.exists():
        return None
    text = _strip_comments(path.read_text())
    text = re.sub(
        r"(upstream\s+[\w.-]+\s*\{)(.*?)(\})",
        lambda m: (
            m.group(1)
            + re.sub(r"\bserver\s+[^;]+;", f"server {harness.HOST}:{kabar_port};", m.group(2))
            + m.group(3)
        ),
        text,
        flags=re.S,
    )
    text = re.sub(
        r"\bproxy_cache_path\s+\S+",
        lambda m: f"proxy_cache_path {Path(nginx_dir) / 'cache' / 'front'}",
        text,
    )
    text = re.sub(
        r"(https?://)(127\.0\.0\.1|localhost):\d+", rf"\g<1>{harness.HOST}:{kabar_port}", text
    )
    text = text.replace("/srv/kabar/var/", f"{Path(data_dir)}/")
    out, pos = [], 0
    for start, end in _server_blocks(text):
        out.append(text[pos:start])
        block = text[start:end]
        pos = end
        if "proxy_pass" not in block:
            continue  # the port-80 server that only redirects to https
        block = re.sub(r"^\s*listen\s[^;]*;\s*\n", "", block, flags=re.M)
        block = re.sub(r"^\s*(ssl_\w+|http2)\s[^;]*;\s*\n", "", block, flags=re.M)
        block = block.replace("{", f"{{\n    listen {harness.HOST}:{listen_port};", 1)
        out.append(block)
    out.append(text[pos:])
    return "".join(out)


def _strip_comments(text):
    """nginx comments run from # to the end of the line, unless the # is quoted."""
    lines = []
    for line in text.splitlines():
        quote = None
        for i, char in enumerate(line):
            if quote:
                if char == quote and line[i - 1] != "\\":
                    quote = None
            elif char in "\"'":
                quote = char
            elif char == "#":
                line = line[:i]
                break
        lines.append(line.rstrip())
    return "\n".join(line for line in lines if line.strip()) + "\n"


def _server_blocks(text):
    """(start, end) of every top-level `server { ... }` block, braces in quotes ignored."""
    spans = []
    depth, quote, start = 0, None, None
    for match in re.finditer(r"\"|'|\{|\}|\bserver\s*\{", text):
        piece = match.group()
        if quote:
            if piece == quote and text[match.start() - 1] != "\\":
                quote = None
            continue
        if piece in "\"'":
            quote = piece
        elif piece.startswith("server"):
            if depth == 0:
                start = match.start()
            depth += 1
        elif piece == "{":
            depth += 1
        elif piece == "}":
            depth -= 1
            if depth == 0 and start is not None:
                spans.append((start, match.end()))
                start = None
    return spans
