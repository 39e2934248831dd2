"""Reading wire feeds (RSS 2.0, Atom, ninjs 1.x/2.x/3.x) into entries, and refusing bad ones."""

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kabar.ingest.wire import FeedError, html_to_text, parse_feed

DATA = Path(__file__).resolve().parent.parent / "data" / "wire"


def read(name):
    return (DATA / name).read_bytes()


def ninjs(**fields):
    document = {
        "uri": "urn:newsml:wire.example.org:test-1",
        "type": "text",
        "headline": "Harbour reopens after storm",
        "body_html": "<p>The harbour reopened on Thursday.</p>",
    }
    document.update(fields)
    return json.dumps({k: v for k, v in document.items() if v is not None}).encode()


def test_rss_items_become_entries_with_link_date_byline_and_text_dateline():
    feed = parse_feed(read("rss.xml"), "application/rss+xml")
    first, second = feed.entries
    assert first.guid == "nw-2026-12-02-0001"
    assert first.headline == "Monsoon floods close three toll roads outside Jakarta"
    assert first.link == "https://wire.example.org/world/2026/12/monsoon-floods-toll-roads"
    assert first.sent_at == datetime(2026, 12, 2, 6, 30, tzinfo=UTC)
    assert first.byline == "Dewi Sasmita"
    assert first.language == "en"
    # No dateline field in RSS: the agency's own "JAKARTA (Agency) -" opening gives it.
    assert first.dateline == "JAKARTA"
    assert first.summary == "Heavy overnight rain flooded low-lying stretches of three toll roads."
    assert '<a href="https://example.org/map">local roads</a>' in first.body_html
    # An item with only a description: that is its text, and there is no separate summary.
    assert second.guid == "https://wire.example.org/world/2026/12/central-bank-holds-rate"
    assert "fourth month" in second.body_html
    assert second.summary == ""


def test_rss_item_without_guid_or_link_is_skipped_with_its_reason():
    feed = parse_feed(read("rss.xml"), None)
    assert [s.reason for s in feed.skipped] == ["no GUID and no link"]
    assert len(feed.entries) == 2


def test_atom_entry():
    (entry,) = parse_feed(read("atom.xml"), "application/atom+xml").entries
    assert entry.guid == "tag:wire.example.org,2026:asia-0042"
    assert entry.link == "https://wire.example.org/asia/2026/12/ferries-resume"
    assert entry.headline == "Ferry services resume across the Sunda Strait"
    assert entry.summary.startswith("Ferries between Merak and Bakauheni")
    assert entry.body_html.startswith("<p>MERAK, Indonesia (Nusantara Wire)")
    assert entry.dateline == "MERAK, Indonesia"
    assert entry.byline == "Made Wirawan"
    assert entry.language == "en"
    assert entry.sent_at == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)


def test_ninjs_1_as_superdesk_writes_it():
    (entry,) = parse_feed(read("ninjs1-superdesk.json"), "application/json").entries
    assert entry.guid.startswith("urn:newsml:wire.example.org:2026-12-02T08:10:00")
    assert entry.headline == "Volcano alert raised on Mount Lewotobi"
    assert entry.dateline == "Jakarta"
    assert entry.urgency == 2
    assert entry.byline == "Siti Rahmawati"
    assert entry.summary == "Authorities widened the exclusion zone to seven kilometres."
    assert entry.body_html.startswith("<p>Indonesian authorities raised the alert")
    # Superdesk's "+0000" offset is read as UTC.
    assert entry.sent_at == datetime(2026, 12, 2, 8, 10, tzinfo=UTC)
    assert entry.link == ""  # a urn names the item but is no address to link to


def test_ninjs_2_takes_the_main_headline_the_html_body_and_the_summary():
    (entry,) = parse_feed(read("ninjs2.json"), None).entries
    assert entry.guid == "https://wire.example.org/ninjs/2026/12/rice-harvest"
    assert entry.link == entry.guid
    assert entry.headline == "North Sumatra expects a larger rice harvest this season"
    assert entry.body_html.startswith("<p>Farmers in North Sumatra expect a larger rice harvest")
    assert entry.summary == "Farmers credit steadier rainfall and new seed varieties."
    assert (entry.dateline, entry.urgency, entry.byline) == ("Medan", 5, "Yohanes Pardede")


def test_ninjs_3_list_reads_camel_case_names_and_skips_a_picture():
    feed = parse_feed(read("ninjs3.json"), "application/json")
    (entry,) = feed.entries
    assert entry.guid == "urn:newsml:wire.example.org:20261202:coral-survey"
    assert entry.link == "https://wire.example.org/asia/2026/12/coral-survey"
    assert entry.sent_at == datetime(2026, 12, 2, 10, 45, tzinfo=timezone(timedelta(hours=7)))
    assert (entry.dateline, entry.urgency, entry.byline) == ("Makassar", 4, "Nur Aini")
    assert "<blockquote>" in entry.body_html
    assert [s.reason for s in feed.skipped] == ["not a text item (picture)"]


def test_ninjs_plain_text_body_becomes_escaped_paragraphs():
    data = ninjs(body_html=None, body_text="First <line> & more.\n\nSecond paragraph.")
    (entry,) = parse_feed(data, None).entries
    assert entry.body_html == "<p>First &lt;line&gt; &amp; more.</p><p>Second paragraph.</p>"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"uri": None}, "no GUID and no link"),
        ({"headline": None}, "no headline"),
        ({"uri": "urn:x:" + "9" * 600}, "guid longer than 500 characters"),
        ({"headline": "Kata " * 60}, "headline longer than 255 characters"),
        ({"located": "Jakarta " * 20}, "dateline longer than 120 characters"),
        ({"headline": "Bell\x07 in the headline"}, "control characters in the headline"),
        ({"uri": "urn:x:\x00nul"}, "control characters in the guid"),
        ({"headline": ["not", "text"]}, "no headline"),
    ],
)
def test_bad_ninjs_item_is_skipped_with_a_reason(fields, reason):
    good = json.loads(ninjs(uri="urn:ok"))
    bad = json.loads(ninjs(**fields))
    feed = parse_feed(json.dumps([good, bad]).encode(), "application/json")
    assert [e.guid for e in feed.entries] == ["urn:ok"]
    assert [s.reason for s in feed.skipped] == [reason]


def test_out_of_range_urgency_and_bad_dates_are_left_out_not_fatal():
    (entry,) = parse_feed(ninjs(urgency=12, versioncreated="yesterday"), None).entries
    assert entry.urgency is None
    assert entry.sent_at is None


def test_stray_control_characters_in_the_text_are_dropped():
    (entry,) = parse_feed(ninjs(body_html="<p>Page\x0cbreak</p>"), None).entries
    assert entry.body_html == "<p>Pagebreak</p>"


def test_javascript_link_is_not_kept_as_the_original_link():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>Headline</title><guid>g-1</guid><link>javascript:alert(1)</link>
      <description>Text</description></item></channel></rss>"""
    (entry,) = parse_feed(rss, None).entries
    assert entry.link == ""


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"<html><body><p>Not a feed</p></body></html>", "text/html"),
        (b'{"uri": "urn:x", "headline": ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b"", None),
    ],
)
def test_unreadable_document_raises_a_feed_error_with_a_message(data, content_type):
    with pytest.raises(FeedError) as caught:
        parse_feed(data, content_type)
    assert str(caught.value)


def test_truncated_feed_keeps_its_whole_items_and_skips_the_cut_one():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>Whole story</title><guid>g-1</guid><description>Text</description></item>
      <item><title>Cut off st"""
    feed = parse_feed(rss, None)
    assert [e.guid for e in feed.entries] == ["g-1"]
    assert [s.reason for s in feed.skipped] == ["no GUID and no link"]


def test_relative_links_are_not_resolved_against_anything_outside_the_document():
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <id>f</id><updated>2026-12-02T00:00:00Z</updated>
      <entry><id>e-1</id><title>Headline</title><updated>2026-12-02T00:00:00Z</updated>
      <link href="relative/story"/><content type="html">&lt;a href="more"&gt;x&lt;/a&gt;</content>
      </entry></feed>"""
    (entry,) = parse_feed(atom, None).entries
    assert entry.link == ""  # relative, with no base in the document: no address to keep
    assert 'href="more"' in entry.body_html


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    html = '<p>One &amp; <b>two</b></p><script>alert("x")</script><p>Three<br>four</p>'
    assert html_to_text(html) == "One & two\n\nThree\n\nfour"
