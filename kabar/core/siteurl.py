"""The site's public address (e.g. https://kabar.example.id) parsed into the hostname and port
a Wagtail Site holds, without touching models, so settings can check it at start."""

from dataclasses import dataclass
from urllib.parse import urlsplit

# Where a server listening on every interface is reached from the machine it runs on.
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "": "127.0.0.1"}  # noqa: S104


@dataclass(frozen=True)
class SiteAddress:
    scheme: str
    hostname: str
    port: int

    @property
    def url(self):
        """The address as Wagtail's Site.root_url writes it (no default port, no slash)."""
        default = {"http": 80, "https": 443}[self.scheme]
        port = "" if self.port == default else f":{self.port}"
        return f"{self.scheme}://{self.hostname}{port}"


def parse_site_url(url):
    """The SiteAddress of an absolute http(s) URL with no path; ValueError if it has none.

    Wagtail's Site has no scheme field: it writes https for port 443 and http for any other
    port, so an address that rule cannot write back (https on 8443, http on 443) is refused
    rather than turned into a different one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// address with a host name.")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{url!r} must be a bare address such as https://kabar.example.id")
    try:
        port = parts.port or {"http": 80, "https": 443}[parts.scheme]
    except ValueError as exc:
        raise ValueError(f"{url!r} has an invalid port.") from exc
    if (parts.scheme == "https") != (port == 443):
        raise ValueError(
            f"{url!r}: Wagtail writes https for port 443 only and http for every other port."
        )
    hostname = parts.hostname
    if ":" in hostname:
        hostname = f"[{hostname}]"
    return SiteAddress(parts.scheme, hostname, port)


def served_address(addr):
    """The SiteAddress a development server bound to `addr` ("127.0.0.1:8000", "8000",
    "0.0.0.0:8000") is reached at from this machine."""
    host, _colon, port = addr.rpartition(":")
    host = _WILDCARD_HOSTS.get(host, host)
    return parse_site_url(f"http://{host}:{port}")
