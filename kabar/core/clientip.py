"""The reader's network address: REMOTE_ADDR, or X-Forwarded-For when a trusted proxy says so.

X-Forwarded-For is written by whoever sent the request, so only the entries appended by
our own proxies (KABAR_TRUSTED_PROXIES, a list of CIDR networks) can be believed. We walk
the header from the right, skipping our proxies, and take the first address they did not
add: the one the outermost trusted proxy saw connecting to it. Anything a client put
further left is ignored, so a forged header cannot change a rate-limit key.
"""

import functools
import ipaddress

from django.conf import settings


@functools.cache
def _networks(spec):
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in spec if cidr.strip())


def trusted_networks():
    return _networks(tuple(getattr(settings, "KABAR_TRUSTED_PROXIES", ()) or ()))


def parse_address(raw):
    """An ip_address from one header entry, tolerating a port and IPv6 brackets; None if
    the entry is not an address at all."""
    text = (raw or "").strip().strip('"')
    if not text:
        return None
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 203.0.113.9:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address, networks):
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request):
    """The client's address as a string, or None when the request carries none."""
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = trusted_networks()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hop = remote
    for entry in reversed(forwarded.split(",")) if forwarded else ():
        address = parse_address(entry)
        if address is None:
            # Garbage where an address should be: the last hop we could read is the
            # nearest thing to the client we can vouch for.
            break
        hop = address
        if not _is_trusted(address, networks):
            break
    return str(hop)


def client_key(address):
    """The unit a rate limit counts: the IPv4 address, or the /64 network of an IPv6
    address (one subscriber usually holds a whole /64 and could rotate within it)."""
    if not address:
        return ""
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)
