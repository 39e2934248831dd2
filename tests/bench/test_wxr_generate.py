"""bench/wxr_generate.py writes a well-formed WXR file with exactly the posts and comments asked."""

import xml.etree.ElementTree as ET

from bench import wxr_generate

WP = "{http://wordpress.org/export/1.2/}"


def read_items(path):
    """Stream the file as the importer would: one <item> at a time."""
    items = []
    # The file is the one this test just generated, not untrusted input.
    for _event, elem in ET.iterparse(path, events=("end",)):  # noqa: S314
        if elem.tag != "item":
            continue
        comments = [
            (
                int(c.findtext(f"{WP}comment_id")),
                int(c.findtext(f"{WP}comment_parent")),
                c.findtext(f"{WP}comment_content"),
            )
            for c in elem.findall(f"{WP}comment")
        ]
        items.append(
            {
                "id": int(elem.findtext(f"{WP}post_id")),
                "type": elem.findtext(f"{WP}post_type"),
                "status": elem.findtext(f"{WP}status"),
                "comments": comments,
            }
        )
        elem.clear()
    return items


def test_counts_parents_and_determinism(tmp_path):
    out = tmp_path / "small.xml"
    assert wxr_generate.generate(out, posts=20, comments=100, seed=7) == 100

    items = read_items(out)
    assert [i["type"] for i in items] == ["post"] * 20
    assert len({i["id"] for i in items}) == 20
    all_comments = [c for i in items for c in i["comments"]]
    assert len(all_comments) == 100
    assert len({c[0] for c in all_comments}) == 100

    replies = 0
    for item in items:
        seen = set()
        for comment_id, parent, _text in item["comments"]:
            if parent:
                # A parent is an earlier comment of the same post.
                assert parent in seen, (item["id"], comment_id, parent)
                replies += 1
            seen.add(comment_id)
        if item["status"] in ("draft", "pending", "future"):
            assert item["comments"] == []
    assert replies > 0

    channel_header = out.read_text(encoding="utf-8").split("<item>", 1)[0]
    assert 'xmlns:wp="http://wordpress.org/export/1.2/"' in channel_header
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in channel_header
    assert channel_header.count("<wp:author>") == len(wxr_generate.AUTHORS)
    assert channel_header.count("<wp:category>") == len(wxr_generate.CATEGORIES)

    again = tmp_path / "again.xml"
    wxr_generate.generate(again, posts=20, comments=100, seed=7)
    assert again.read_bytes() == out.read_bytes()
    other = tmp_path / "other.xml"
    wxr_generate.generate(other, posts=20, comments=100, seed=8)
    assert other.read_bytes() != out.read_bytes()


def test_cdata_end_marker_survives_a_round_trip(tmp_path):
    text = "penutup ]]> di tengah 🇮🇩 𠮷"
    xml = f"<a>{wxr_generate.cdata(text)}</a>"
    assert ET.fromstring(xml).text == text  # noqa: S314
