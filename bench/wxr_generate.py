"""Writes a large, seeded WordPress WXR 1.2 export shaped like the real one WordPress 6.1 writes.

    python -m bench.wxr_generate --posts 10000 --comments 100000 --out /tmp/big.xml

The layout (comments header, namespaces, channel header, wp:author, wp:category, wp:tag,
wp:term, then one item per post with wp:postmeta and wp:comment, CDATA everywhere WordPress
puts it, "]]>" split the way wxr_cdata() splits it) copies tests/data/wordpress/site-v1.xml,
which a real WordPress exported. The file is streamed to disk item by item; only the per-post
comment counts (one int per post) are held in memory. Same arguments, same bytes.
"""

import argparse
import random
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

SITE = "http://lama.example.id"
LOCAL = timedelta(hours=7)  # Asia/Jakarta: WordPress writes local post_date and UTC *_gmt.
ZERO_DATE = "0000-00-00 00:00:00"
EXPORTED_AT = datetime(2025, 12, 2, 3, 0, tzinfo=UTC)
FIRST_POST = datetime(2016, 1, 4, 1, 0, tzinfo=UTC)
MAX_DEPTH = 5  # WordPress's thread_comments_depth on the real site.

AUTHORS = [
    ("redaksi", "Redaksi Kabar Lama", "Redaksi", "Kabar Lama"),
    ("sari", "Sari Wulandari", "Sari", "Wulandari"),
    ("budi", "Budi Santoso", "Budi", "Santoso"),
    ("ayu", "Ayu Kartika", "Ayu", "Kartika"),
    ("fajar", "Fajar Nugroho", "Fajar", "Nugroho"),
    ("lestari", "Lestari Putri", "Lestari", "Putri"),
    ("yohanes", "Yohanes Tabuni", "Yohanes", "Tabuni"),
    ("nurul", "Nurul Hidayah", "Nurul", "Hidayah"),
]
# (slug, name, parent slug): parents come before children, as export_wp() orders them.
CATEGORIES = [
    ("ekonomi", "Ekonomi", ""),
    ("internasional", "Internasional", ""),
    ("nasional", "Nasional", ""),
    ("olahraga", "Olahraga", ""),
    ("uncategorized", "Uncategorized", ""),
    ("asia-tenggara", "Asia Tenggara", "internasional"),
    ("daerah", "Daerah", "nasional"),
    ("politik", "Politik", "nasional"),
    ("sepak-bola", "Sepak Bola", "olahraga"),
    ("pemilu", "Pemilu", "politik"),
    ("papua", "Papua", "daerah"),
    ("sumatra", "Sumatra", "daerah"),
]
TAGS = [
    "banjir",
    "pemilu 2029",
    "ASEAN",
    "harga beras",
    "gempa",
    "kemarau",
    "mudik",
    "BBM",
    "pendidikan",
    "kesehatan",
    "nelayan",
    "transportasi",
    "pariwisata",
    "UMKM",
    "listrik",
    "kebakaran hutan",
    "timnas",
    "DPR",
    "pilkada 2027",
    "bantuan sosial",
]
WORDS = (  # noqa: SIM905 (a word list reads best as prose)
    "warga pemerintah desa kota sungai jembatan pasar harga beras nelayan petani sekolah "
    "guru murid hujan banjir kemarau tanggul jalan listrik air bersih bantuan relawan data "
    "laporan anggaran daerah provinsi kabupaten bupati gubernur menteri rapat keputusan "
    "rencana proyek pembangunan pelabuhan bandara kereta angkutan umum rumah sakit dokter "
    "bidan puskesmas vaksin panen pupuk gudang pedagang pembeli kenaikan penurunan persen "
    "ribu juta miliar pekan bulan tahun pagi malam kemarin besok menurut kata juga masih "
    "sudah belum akan bisa harus perlu banyak sedikit baru lama besar kecil tinggi rendah "
    "cepat lambat ramai sepi aman rawan terbuka tertutup resmi sementara dan atau tetapi "
    "karena sehingga bahwa untuk dengan dari ke di pada oleh dalam tentang"
).split()
NAMES = (  # noqa: SIM905 (a word list reads best as prose)
    "Andi Rina Dewi Agus Hendra Teguh Maya Yusuf Lim Rudi Putu Made Ketut Siti Ahmad Joko "
    "Wayan Intan Bayu Citra Eko Farah Gilang Hana Irfan Jihan Krisna Laras Mega Nanda"
).split()
EXTRAS = ("🇮🇩", "🙏", "😊", "🎉", "🌧", "𠮷", "👍", "🔥")
RTL = "نتمنى السلامة للجميع"


def cdata(text):
    """Wrap like wxr_cdata(): close and reopen the section around every "]]>"."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_date(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class Writer:
    """Generates the content from one seeded random source, in file order."""

    def __init__(self, seed, posts, comments):
        self.rng = random.Random(seed)
        self.posts = posts
        self.comments = comments
        self.next_comment_id = 1
        self.commenters = [
            (f"{n} {s}" if s else n, f"{n.lower()}{i}@pembaca.example.id", i)
            for i, (n, s) in enumerate(
                (self.rng.choice(NAMES), self.rng.choice(["", "Pratama", "Lestari", "Santoso"]))
                for _ in range(400)
            )
        ]

    # --- text -------------------------------------------------------------------------------

    def sentence(self, low=6, high=16):
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high))]
        if self.rng.random() < 0.04:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(EXTRAS))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def paragraph(self):
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 5)))

    def title(self):
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(4, 9))]
        return " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(words))

    def body(self):
        paragraphs = [self.paragraph() for _ in range(self.rng.randint(3, 8))]
        if self.rng.random() < 0.5:
            # Classic editor: wpautop paragraphs, some markup, a more tag.
            paragraphs[0] = paragraphs[0].replace(".", ". <strong>Penting:</strong>", 1)
            paragraphs.insert(min(2, len(paragraphs)), "<!--more-->")
            return "\n\n".join(paragraphs)
        blocks = []
        for i, text in enumerate(paragraphs):
            if i == 2:
                blocks.append(f"<!-- wp:heading -->\n<h2>{self.title()}</h2>\n<!-- /wp:heading -->")
            blocks.append(f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->")
        return "\n\n".join(blocks)

    def comment_text(self):
        roll = self.rng.random()
        if roll < 0.01:
            return f"Di XML penutupnya ]]> lho. {self.sentence()}"
        if roll < 0.02:
            return f"{RTL}\n\n{self.sentence()}"
        return "\n\n".join(self.paragraph() for _ in range(self.rng.choice((1, 1, 1, 2, 3))))

    # --- structure --------------------------------------------------------------------------

    def comment_counts(self):
        weights = [self.rng.paretovariate(1.2) for _ in range(self.posts)]
        total = sum(weights)
        counts = [int(w * self.comments / total) for w in weights]
        for _ in range(self.comments - sum(counts)):
            counts[self.rng.randrange(self.posts)] += 1
        return counts

    def header(self, out):
        out.write('<?xml version="1.0" encoding="UTF-8" ?>\n')
        out.write(
            "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of"
            " your site. -->\n"
            "<!-- Generated by bench/wxr_generate.py in the layout of WordPress 6.1.9. -->\n\n"
        )
        out.write(
            f'\t<!-- generator="WordPress/6.1.9" created="{EXPORTED_AT:%Y-%m-%d %H:%M}" -->\n'
            '<rss version="2.0"\n'
            '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:wp="http://wordpress.org/export/1.2/"\n'
            ">\n\n<channel>\n"
            "\t<title>Kabar Nusantara Lama</title>\n"
            f"\t<link>{SITE}</link>\n"
            "\t<description>Arsip berita lama dari seluruh penjuru Nusantara</description>\n"
            f"\t<pubDate>{format_datetime(EXPORTED_AT)}</pubDate>\n"
            "\t<language>id-ID</language>\n"
            "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"\t<wp:base_site_url>{SITE}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{SITE}</wp:base_blog_url>\n\n"
        )
        for i, (login, display, first, last) in enumerate(AUTHORS, start=1):
            out.write(
                f"\t<wp:author><wp:author_id>{i}</wp:author_id>"
                f"<wp:author_login>{cdata(login)}</wp:author_login>"
                f"<wp:author_email>{cdata(login + '@lama.example.id')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(display)}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(first)}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(last)}</wp:author_last_name></wp:author>\n"
            )
        out.write("\n")
        for term_id, (slug, name, parent) in enumerate(CATEGORIES, start=1):
            out.write(
                "\t<wp:category>\n"
                f"\t\t<wp:term_id>{term_id}</wp:term_id>\n"
                f"\t\t<wp:category_nicename>{cdata(slug)}</wp:category_nicename>\n"
                f"\t\t<wp:category_parent>{cdata(parent)}</wp:category_parent>\n"
                f"\t\t<wp:cat_name>{cdata(name)}</wp:cat_name>\n"
                "\t</wp:category>\n"
            )
        for term_id, name in enumerate(TAGS, start=len(CATEGORIES) + 1):
            out.write(
                "\t<wp:tag>\n"
                f"\t\t<wp:term_id>{term_id}</wp:term_id>\n"
                f"\t\t<wp:tag_slug>{cdata(slugify(name))}</wp:tag_slug>\n"
                f"\t\t<wp:tag_name>{cdata(name)}</wp:tag_name>\n"
                "\t</wp:tag>\n"
            )
        for term_id, (slug, name, parent) in enumerate(CATEGORIES, start=1):
            out.write(term_xml(term_id, "category", slug, parent, name))
        for term_id, name in enumerate(TAGS, start=len(CATEGORIES) + 1):
            out.write(term_xml(term_id, "post_tag", slugify(name), "", name))
        out.write("\n\t<generator>https://wordpress.org/?v=6.1.9</generator>\n\n")

    def item(self, out, post_id, gmt, n_comments, last):
        """Write one post; returns False when it took no comments (not published yet)."""
        rng = self.rng
        roll = rng.random()
        status = (
            "publish"
            if roll < 0.9 or last
            else "draft"
            if roll < 0.94
            else "pending"
            if roll < 0.96
            else "private"
            if roll < 0.99
            else "future"
        )
        if status == "future":
            gmt = gmt.replace(year=2030, day=min(gmt.day, 28))
        local = gmt + LOCAL
        title = self.title()
        slug = f"{slugify(title)}-{post_id}"
        floating = status in ("draft", "pending")
        if status in ("publish", "private"):
            link = f"{SITE}/{local:%Y/%m/%d}/{slug}/"
        else:
            link = f"{SITE}/?p={post_id}"
        author = rng.choice(AUTHORS)[0]
        cats = rng.sample(CATEGORIES[:4] + CATEGORIES[5:], rng.choice((1, 1, 1, 2)))
        tags = rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3)))
        out.write(
            "\t<item>\n"
            f"\t\t<title>{cdata(title)}</title>\n"
            f"\t\t<link>{link}</link>\n"
            f"\t\t<pubDate>{'' if floating else format_datetime(gmt)}</pubDate>\n"
            f"\t\t<dc:creator>{cdata(author)}</dc:creator>\n"
            f'\t\t<guid isPermaLink="false">{SITE}/?p={post_id}</guid>\n'
            "\t\t<description></description>\n"
            f"\t\t<content:encoded>{cdata(self.body())}</content:encoded>\n"
            f"\t\t<excerpt:encoded>{cdata('')}</excerpt:encoded>\n"
            f"\t\t<wp:post_id>{post_id}</wp:post_id>\n"
            f"\t\t<wp:post_date>{cdata(wp_date(local))}</wp:post_date>\n"
            f"\t\t<wp:post_date_gmt>{cdata(ZERO_DATE if floating else wp_date(gmt))}"
            "</wp:post_date_gmt>\n"
            f"\t\t<wp:post_modified>{cdata(wp_date(local))}</wp:post_modified>\n"
            f"\t\t<wp:post_modified_gmt>{cdata(ZERO_DATE if floating else wp_date(gmt))}"
            "</wp:post_modified_gmt>\n"
            f"\t\t<wp:comment_status>{cdata('closed' if rng.random() < 0.05 else 'open')}"
            "</wp:comment_status>\n"
            f"\t\t<wp:ping_status>{cdata('open')}</wp:ping_status>\n"
            f"\t\t<wp:post_name>{cdata('' if floating else slug)}</wp:post_name>\n"
            f"\t\t<wp:status>{cdata(status)}</wp:status>\n"
            "\t\t<wp:post_parent>0</wp:post_parent>\n"
            "\t\t<wp:menu_order>0</wp:menu_order>\n"
            f"\t\t<wp:post_type>{cdata('post')}</wp:post_type>\n"
            f"\t\t<wp:post_password>{cdata('')}</wp:post_password>\n"
            f"\t\t<wp:is_sticky>{1 if rng.random() < 0.002 else 0}</wp:is_sticky>\n"
        )
        for slug_, name, _parent in cats:
            out.write(
                f'\t\t<category domain="category" nicename="{slug_}">{cdata(name)}</category>\n'
            )
        for name in tags:
            out.write(
                f'\t\t<category domain="post_tag" nicename="{slugify(name)}">{cdata(name)}'
                "</category>\n"
            )
        if status == "publish":
            out.write(meta_xml("postmeta", "_encloseme", "1", "\t\t"))
        takes_comments = status in ("publish", "private")
        depths, ids = {}, []
        moment = gmt
        for _ in range(n_comments if takes_comments else 0):
            moment += timedelta(minutes=rng.randint(1, 600))
            self.comment(out, moment, depths, ids)
        out.write("\t</item>\n")
        return takes_comments

    def comment(self, out, gmt, depths, ids):
        rng = self.rng
        comment_id = self.next_comment_id
        self.next_comment_id += 1
        parent = 0
        if depths and rng.random() < 0.45:
            candidate = rng.choice(ids)
            if depths[candidate] < MAX_DEPTH:
                parent = candidate
        depths[comment_id] = depths[parent] + 1 if parent else 1
        ids.append(comment_id)
        pingback = parent == 0 and rng.random() < 0.01
        roll = rng.random()
        approved = "1" if roll < 0.93 else "0" if roll < 0.98 else "trash"
        name, email, index = rng.choice(self.commenters)
        user_id = 100 + index if index % 25 == 0 else 0
        url = f"https://{name.split()[0].lower()}{index}.example.id" if index % 3 == 0 else ""
        if pingback:
            name, email, url, user_id = (
                f"Warta Lain &raquo; {self.title()}",
                "",
                f"http://warta-lain.example.net/{comment_id}/",
                0,
            )
        text = f"[&#8230;] {self.sentence()} [&#8230;]" if pingback else self.comment_text()
        out.write(
            "\t\t<wp:comment>\n"
            f"\t\t\t<wp:comment_id>{comment_id}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{cdata(name)}</wp:comment_author>\n"
            f"\t\t\t<wp:comment_author_email>{cdata(email)}</wp:comment_author_email>\n"
            f"\t\t\t<wp:comment_author_url>{url}</wp:comment_author_url>\n"
            f"\t\t\t<wp:comment_author_IP>{cdata(f'198.51.100.{index % 250 + 1}')}"
            "</wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{cdata(wp_date(gmt + LOCAL))}</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{cdata(wp_date(gmt))}</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{cdata(text)}</wp:comment_content>\n"
            f"\t\t\t<wp:comment_approved>{cdata(approved)}</wp:comment_approved>\n"
            f"\t\t\t<wp:comment_type>{cdata('pingback' if pingback else 'comment')}"
            "</wp:comment_type>\n"
            f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
            f"\t\t\t<wp:comment_user_id>{user_id}</wp:comment_user_id>\n"
        )
        if approved == "trash":
            out.write(meta_xml("commentmeta", "_wp_trash_meta_status", "1", "\t\t\t"))
            out.write(
                meta_xml(
                    "commentmeta",
                    "_wp_trash_meta_time",
                    str(int(EXPORTED_AT.timestamp())),
                    "\t\t\t",
                )
            )
        out.write("\t\t</wp:comment>\n")

    def write(self, out):
        self.header(out)
        counts = self.comment_counts()
        step = (EXPORTED_AT - timedelta(days=7) - FIRST_POST) / max(self.posts, 1)
        carry = 0  # comments meant for a draft or scheduled post go to the next published one
        for i, n_comments in enumerate(counts):
            gmt = FIRST_POST + step * i + timedelta(minutes=self.rng.randint(0, 59))
            last = i == self.posts - 1
            took = self.item(out, i + 1, gmt.replace(microsecond=0), n_comments + carry, last)
            carry = 0 if took else n_comments + carry
        out.write("</channel>\n</rss>\n")


def slugify(text):
    return "-".join(
        "".join(c if c.isascii() and c.isalnum() else " " for c in text).lower().split()
    )


def term_xml(term_id, taxonomy, slug, parent, name):
    return (
        "\t<wp:term>\n"
        f"\t\t<wp:term_id>{term_id}</wp:term_id>\n"
        f"\t\t<wp:term_taxonomy>{cdata(taxonomy)}</wp:term_taxonomy>\n"
        f"\t\t<wp:term_slug>{cdata(slug)}</wp:term_slug>\n"
        f"\t\t<wp:term_parent>{cdata(parent)}</wp:term_parent>\n"
        f"\t\t<wp:term_name>{cdata(name)}</wp:term_name>\n"
        "\t</wp:term>\n"
    )


def meta_xml(kind, key, value, indent):
    return (
        f"{indent}<wp:{kind}>\n"
        f"{indent}\t<wp:meta_key>{cdata(key)}</wp:meta_key>\n"
        f"{indent}\t<wp:meta_value>{cdata(value)}</wp:meta_value>\n"
        f"{indent}</wp:{kind}>\n"
    )


def generate(path, posts, comments, seed=2029):
    """Write the export to path; returns the number of comments written."""
    if posts < 1 or comments < 0:
        raise ValueError("need at least one post and a non-negative comment count")
    writer = Writer(seed, posts, comments)
    with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        writer.write(out)
    return writer.next_comment_id - 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10000)
    parser.add_argument("--comments", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=2029)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    written = generate(args.out, args.posts, args.comments, args.seed)
    print(f"{args.out}: {args.posts} posts, {written} comments", file=sys.stderr)


if __name__ == "__main__":
    main()
