"""Reader search at 100,000 articles: index build time, and the product's own query (the
function /cari/ calls) against a naive `icontains` search, on SQLite and on PostgreSQL.

    .venv/bin/python -m bench.search [--articles 100000] [--queries 200] [--no-postgres]

Each engine gets a throwaway site (bench/harness.py: a data directory, production settings,
on PostgreSQL a database kabar_bench_search_<random> dropped at exit, Ctrl-C included),
migrated, then filled and measured by a child process under that site's settings:

1. N synthetic articles, Indonesian with ~10 % English, written in bulk: the Wagtail page
   rows (tree paths computed as treebeard does) and their ArticlePage rows, then their
   SearchEntry rows made by the product's own `services.entry_for` (Snowball stems through
   kabar.search.text), with the full-text index dropped meanwhile.
2. The index built from empty over the N rows: the forward statements of migrations
   search/0003 and 0004 (SQLite: the FTS5 table, its triggers, FTS5's 'rebuild' and the
   headline index; PostgreSQL: narrow rows, the generated tsvector column, which rewrites
   the table, its GIN index and the (section_id, position) index), timed; then ANALYZE
   on PostgreSQL, as autovacuum would do after such a load.
3. K fixed queries through `kabar.search.query.find` (first page, snippets included), each
   timed in-process once after a short warm-up; then the naive baseline (every word in
   title or body_text by icontains, newest first, first page) on every `--baseline-every`th
   query of the same list, and the product's times on that same subset for the ratio.
"""

import argparse
import importlib
import json
import math
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

PAGE_SIZE = 10  # as kabar.search.views.PAGE_SIZE (checked in the child)
GOAL_P95_MS = 50.0
GOAL_RATIO = 20.0
SEED = 14
BATCH = 2000
# Every article is published between these two moments.
FIRST_DAY = datetime(2020, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(2026, 11, 30, tzinfo=UTC)

# The vocabulary: Indonesian roots and the forms news writes them in (me-, ber-, per-, di-,
# ter-, -kan, -an, -nya, pe-/-an, ke-/-an), so that a reader's "menyerbu" must find
# "diserbu" and "penyerbuan" through stemming. All words are everyday Indonesian.
ID_FORMS = """
serbu menyerbu diserbu serbuan penyerbuan penyerbu
tempur bertempur pertempuran pertempurannya
bangun membangun dibangun pembangunan bangunan membangunkan
bakar membakar dibakar kebakaran terbakar pembakaran
banjir kebanjiran banjirnya
tolong menolong ditolong pertolongan penolong
jual menjual dijual penjualan penjual
beli membeli dibeli pembelian pembeli
tani bertani petani pertanian
kerja bekerja pekerja pekerjaan dikerjakan mengerjakan
ajar belajar mengajar pelajar pelajaran pengajar diajarkan
didik mendidik pendidikan pendidik
sehat kesehatan menyehatkan
obat mengobati pengobatan diobati
rawat merawat perawat perawatan dirawat
pilih memilih pilihan pemilihan terpilih dipilih pemilih
tangkap menangkap ditangkap penangkapan tertangkap
periksa memeriksa diperiksa pemeriksaan
selidik menyelidiki penyelidikan penyelidik diselidiki
adil pengadilan keadilan mengadili diadili
putus memutuskan keputusan diputuskan terputus
tolak menolak ditolak penolakan
setuju menyetujui persetujuan disetujui
rencana merencanakan perencanaan direncanakan
laksana melaksanakan pelaksanaan dilaksanakan
umum mengumumkan pengumuman diumumkan
lapor melaporkan laporan pelapor dilaporkan laporannya
tulis menulis penulis tulisan ditulis
kirim mengirim pengiriman dikirim kiriman
terima menerima penerimaan diterima penerima
bantu membantu bantuan dibantu
tanam menanam tanaman penanaman ditanam
naik kenaikan menaikkan dinaikkan
turun penurunan menurunkan diturunkan
untung keuntungan menguntungkan beruntung
rugi kerugian merugikan dirugikan
hasil menghasilkan penghasilan berhasil keberhasilan
dagang perdagangan pedagang berdagang
usaha berusaha pengusaha perusahaan
tambang pertambangan penambangan menambang
hutan kehutanan hutannya
jalan berjalan perjalanan menjalankan dijalankan jalanan
pindah berpindah pemindahan dipindahkan perpindahan
ungsi mengungsi pengungsi pengungsian
selamat menyelamatkan keselamatan diselamatkan
cari mencari pencarian dicari
temu menemukan penemuan ditemukan bertemu pertemuan
bicara berbicara pembicaraan dibicarakan pembicara
bahas membahas pembahasan dibahas
tanya bertanya pertanyaan ditanyakan menanyakan
main bermain pemain permainan dimainkan
tanding bertanding pertandingan
menang kemenangan memenangkan pemenang
kalah kekalahan mengalahkan dikalahkan
latih melatih pelatih latihan pelatihan berlatih
juara kejuaraan menjuarai
kembang berkembang pengembangan perkembangan mengembangkan
guna menggunakan pengguna penggunaan digunakan berguna
aman keamanan mengamankan diamankan pengamanan
serang menyerang serangan diserang penyerang
tembak menembak tembakan ditembak penembakan
ledak meledak ledakan peledakan
damai perdamaian berdamai mendamaikan
runding berunding perundingan
sepakat kesepakatan menyepakati disepakati
kuasa kekuasaan berkuasa penguasa menguasai
perintah memerintah pemerintah pemerintahan diperintahkan pemerintahnya
wakil mewakili perwakilan
dukung mendukung dukungan pendukung didukung
tuntut menuntut tuntutan dituntut
rusak merusak kerusakan dirusak
hancur menghancurkan kehancuran
kota perkotaan kotanya
desa pedesaan desanya
warga warganya
rumah perumahan rumahnya
pasar pemasaran dipasarkan
uang keuangan
pajak perpajakan
hukum dihukum hukuman menghukum
bunuh membunuh pembunuhan dibunuh terbunuh
curi mencuri pencurian dicuri pencuri
tipu menipu penipuan ditipu
duga menduga dugaan diduga
tahan menahan penahanan ditahan tahanan bertahan pertahanan
lindung melindungi perlindungan dilindungi
buka membuka pembukaan dibuka terbuka
tutup menutup penutupan ditutup tertutup
mulai memulai dimulai
gelar menggelar digelar
raya merayakan perayaan dirayakan
air perairan pengairan
tanah pertanahan tanahnya
"""
ID_NOUNS = """
sungai gunung laut pantai pulau jembatan kapal pesawat bandara pelabuhan presiden menteri
gubernur bupati polisi tentara dokter guru mahasiswa buruh rakyat negara bangsa provinsi
kabupaten daerah wilayah kawasan minggu bulan tahun pagi malam beras minyak gas batu bara
sawit kopi padi jagung garam bensin internet aplikasi teknologi kampus universitas vaksin
virus penyakit gempa longsor hujan angin musim kemarau bandang korupsi anggaran sepak bola
stadion festival musik film buku sejarah budaya tari museum perbatasan pasukan senjata
benteng kampung nelayan ikan sampah plastik udara asap
"""
ID_FUNCTION = """
yang dan di ke dari untuk dengan ini itu pada akan dalam tidak juga oleh sudah telah karena
bahwa para masih bisa harus ada lebih saat setelah sebelum namun tetapi atau hingga sejak
antara menurut kata ujar seperti banyak sejumlah beberapa semua kami mereka ia kita
"""
EN_FORMS = """
attack attacked attacking attacks attacker
fight fighting fights fighter
build building builds rebuilt builder
flood flooded flooding floods
elect election elected elections voters
burn burned burning fire fires
rescue rescued rescuing rescuers
protest protested protesting protesters
invest investment invested investors
trade trading traded traders
report reported reporting reports
arrest arrested arresting arrests
decide decided decision decisions
negotiate negotiated negotiations talks
govern government governor governments
grow growing growth grew
harvest harvested harvests farmers
teach teaching teachers students schools
treat treatment treated hospitals
"""
EN_NOUNS = """
river mountain island bridge port city village province minister president police army
doctor market price rice oil coal palm coffee storm earthquake rain drought budget football
stadium festival music museum border troops weapons
"""
EN_FUNCTION = """
the of and to in a is that for on with as was by at from it has have be are were said will
its after before but or while since more than about
"""

# Sections, each with the roots its stories talk about most.
SECTIONS = [
    ("Nasional", "nasional", "perintah pilih adil hukum duga tahan korupsi"),
    ("Kabar Internasional", "kabar-internasional", "serbu tempur serang damai runding ledak"),
    ("Ekonomi", "ekonomi", "jual beli dagang usaha pasar uang pajak naik turun"),
    ("Olahraga", "olahraga", "main tanding menang kalah latih juara"),
    ("Lingkungan", "lingkungan", "banjir bakar hutan ungsi selamat longsor gempa"),
    ("Budaya", "budaya", "raya gelar buka festival musik film museum"),
]
EN_SECTION_ROOTS = {
    "nasional": "elect govern arrest",
    "kabar-internasional": "attack fight negotiate",
    "ekonomi": "invest trade grow",
    "olahraga": "football stadium",
    "lingkungan": "flood burn rescue",
    "budaya": "festival music museum",
}
EN_SHARE = 0.10
# Place names made of two everyday parts ("Sukamaju", "Tanjungsari"): the long tail of a
# newsroom's words. Two or three a story, Zipf-weighted, so that the rarest turn up in a
# dozen stories out of 100,000 and the commonest in thousands, as real places do.
NAME_HEADS = """
suka tanjung karang sumber banyu wono sido mekar pasir cipta giri purwo jati kali muara
teluk bukit lubuk pangkal rantau padang sungai kota tegal ranca cikal mandala kebon
sari loka bumi tirta gunung lembah selo ngadi bojong parung sukma
"""
NAME_TAILS = """
maju sari rejo mulyo jaya harjo asih makmur agung baru wangi indah kencana raya tengah
lestari mukti luhur dadi arum jati sejahtera utara selatan timur barat permai damai
kerta rahayu mekar subur tani bening ayu kembang wetan kulon anyar
"""


def place_names():
    return [
        (head + tail).capitalize()
        for head in NAME_HEADS.split()
        for tail in NAME_TAILS.split()
        if head != tail
    ]


class Vocabulary:
    """Word forms of one language with Zipf-like weights (content words) and the function
    words that make up about a third of running text."""

    def __init__(self, forms, nouns, function, section_roots, rng):
        self.groups = {}
        for line in forms.strip().splitlines():
            root, *rest = line.split()
            self.groups[root] = [root, *rest]
        for noun in nouns.split():
            self.groups.setdefault(noun, [noun])
        content = [form for group in self.groups.values() for form in group]
        rng.shuffle(content)
        self.content = content
        self.content_cum = _cumulative([1.0 / (rank + 2) ** 1.3 for rank in range(len(content))])
        self.function = function.split()
        self.function_cum = _cumulative([1.0 / (rank + 2) for rank in range(len(self.function))])
        self.names = place_names()
        rng.shuffle(self.names)
        self.names_cum = _cumulative([1.0 / (rank + 1) for rank in range(len(self.names))])
        self.section_forms = {
            slug: [form for root in roots.split() for form in self.groups.get(root, [root])]
            for slug, roots in section_roots.items()
        }

    def words(self, rng, count, section):
        topical = self.section_forms[section]
        out = []
        content = rng.choices(self.content, cum_weights=self.content_cum, k=count)
        function = rng.choices(self.function, cum_weights=self.function_cum, k=count)
        for i in range(count):
            roll = rng.random()
            if roll < 0.33:
                out.append(function[i])
            elif roll < 0.45:
                out.append(rng.choice(topical))
            else:
                out.append(content[i])
        for name in rng.choices(self.names, cum_weights=self.names_cum, k=rng.randint(2, 3)):
            out[rng.randrange(count)] = name
        return out


def _cumulative(weights):
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def vocabularies(seed=SEED):
    rng = random.Random(seed)
    return {
        "id": Vocabulary(
            ID_FORMS, ID_NOUNS, ID_FUNCTION, {s: roots for _t, s, roots in SECTIONS}, rng
        ),
        "en": Vocabulary(EN_FORMS, EN_NOUNS, EN_FUNCTION, EN_SECTION_ROOTS, rng),
    }


def _sentence(words):
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def article_specs(n, seed=SEED):
    """`n` articles as plain values (title, standfirst, paragraphs, language, section slug,
    published), the same for the same `n` and `seed`."""
    rng = random.Random(seed * 1_000_003 + n)
    vocab = vocabularies(seed)
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    for i in range(n):
        language = "en" if rng.random() < EN_SHARE else "id"
        words = vocab[language]
        section = SECTIONS[rng.randrange(len(SECTIONS))][1]
        title_words = [w for w in words.words(rng, 14, section) if w not in words.function]
        title = _sentence((title_words or ["kabar"])[: rng.randint(5, 9)])[:-1]
        standfirst = _sentence(words.words(rng, rng.randint(12, 20), section))
        body_words = words.words(rng, rng.randint(150, 400), section)
        sentences, start = [], 0
        while start < len(body_words):
            length = rng.randint(8, 16)
            sentences.append(_sentence(body_words[start : start + length]))
            start += length
        paragraphs, start = [], 0
        while start < len(sentences):
            length = rng.randint(2, 5)
            paragraphs.append(" ".join(sentences[start : start + length]))
            start += length
        yield {
            "number": i,
            "title": title,
            "standfirst": standfirst,
            "paragraphs": paragraphs,
            "language": language,
            "section": section,
            "published": FIRST_DAY + timedelta(seconds=rng.random() * span),
        }


# Queries --------------------------------------------------------------------------------

# What readers type: inflected single words, two words, a phrase, English, a word no
# article holds; the rest of the K drawn from the vocabulary, some with filters.
FIXED_QUERIES = [
    "menyerbu",
    "pertempuran",
    "kebakaran hutan",
    "banjir bandang",
    "pemerintah daerah",
    "harga beras naik",
    "pengungsi gempa",
    "penyelidikan korupsi",
    "pertandingan sepak bola",
    "kesepakatan perdamaian",
    "elections",
    "flooding river",
    "pembangunan jembatan",
    "ditangkap polisi",
    "petani sawit",
    "festival musik",
    "kerugian perusahaan",
    "attacked border",
    "keselamatan nelayan",
    "kuantum",
    "Tanjungsari",
    "kebakaran Suka maju",
]


def query_list(k, seed=SEED):
    """K queries as dicts {q, section (slug or None), year (or None)}, the same every run."""
    rng = random.Random(seed + 7)
    vocab = vocabularies(seed)
    names = place_names()
    texts = list(FIXED_QUERIES)
    while len(texts) < k:
        kind = rng.random()
        language = "en" if kind > 0.9 else "id"
        pool = vocab[language].content
        count = 1 if kind < 0.45 else 2 if kind < 0.8 else 3
        words = rng.sample(pool, count)
        if rng.random() < 0.25:  # a place, alone or with a word: "banjir Sukamaju"
            words[-1] = rng.choice(names)
        texts.append(" ".join(words))
    queries = []
    for i, q in enumerate(texts[:k]):
        section = SECTIONS[i % len(SECTIONS)][1] if i % 4 == 1 else None
        year = FIRST_DAY.year + i % 7 if i % 7 == 3 else None
        queries.append({"q": q, "section": section, "year": year})
    return queries


def percentile(values, pct):
    """The pct-th percentile of `values` (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


# Filling the database (in the child, Django set up) ---------------------------------------


def make_sections():
    """Home, site and the sections, through Wagtail as the product makes them."""
    from bench.setup_site import make_tree
    from kabar.news.models import SectionPage

    home, first = make_tree()
    sections = {first.slug: first}
    for title, slug, _roots in SECTIONS:
        if slug not in sections:
            section = SectionPage.objects.filter(slug=slug).first()
            if section is None:
                section = SectionPage(title=title, slug=slug, show_in_menus=True)
                home.add_child(instance=section)
                section.save_revision().publish()
            sections[slug] = section
    return sections


def _article(spec, section, position, content_type, locale):
    from treebeard.numconv import NumConv
    from wagtail.models import Page

    from kabar.news.models import ArticlePage

    step = NumConv(Page.alphabet).int2str(position).rjust(Page.steplen, "0")
    slug = f"berita-{spec['number']}"
    published = spec["published"]
    return ArticlePage(
        title=spec["title"],
        draft_title=spec["title"],
        slug=slug,
        path=section.path + step,
        depth=section.depth + 1,
        numchild=0,
        url_path=f"{section.url_path}{slug}/",
        content_type=content_type,
        locale=locale,
        live=True,
        has_unpublished_changes=False,
        first_published_at=published,
        last_published_at=published,
        standfirst=spec["standfirst"],
        body=[("paragraph", f"<p>{p}</p>") for p in spec["paragraphs"]],
        language=spec["language"],
        section_id=section.pk,
        published_at=published,
    )


def fill(n, seed=SEED, progress=None):
    """N articles written in bulk: page rows, ArticlePage rows and their SearchEntry rows
    (made by services.entry_for, as search_sync and search_rebuild make them)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.models import Locale, Page

    from kabar.news.models import ArticlePage
    from kabar.search.models import SearchEntry
    from kabar.search.services import entry_for

    sections = make_sections()
    content_type = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    positions = {slug: section.numchild for slug, section in sections.items()}
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    article_fields = ArticlePage._meta.local_concrete_fields
    stems_seconds = 0.0
    batch = []

    def flush():
        nonlocal stems_seconds
        with transaction.atomic():
            pages = Page.objects.bulk_create(
                [Page(**{f.attname: getattr(a, f.attname) for f in page_fields}) for a in batch]
            )
            for article, page in zip(batch, pages, strict=True):
                article.id = article.page_ptr_id = page.pk
            ArticlePage._base_manager._insert(batch, fields=article_fields, using=connection.alias)
            started = time.perf_counter()
            entries = [entry_for(article) for article in batch]
            stems_seconds += time.perf_counter() - started
            SearchEntry.objects.bulk_create(entries)
        if progress:
            progress(len(batch))
        batch.clear()

    for spec in article_specs(n, seed):
        positions[spec["section"]] += 1
        section = sections[spec["section"]]
        batch.append(_article(spec, section, positions[spec["section"]], content_type, locale))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    for slug, section in sections.items():
        Page.objects.filter(pk=section.pk).update(numchild=positions[slug])
    return {slug: section.pk for slug, section in sections.items()}, stems_seconds


def _index_statements():
    # The index as the latest migrations leave it: on SQLite the FTS5 table keyed by
    # SearchEntry.position (0003) with its words' marks kept (0005) and the headline index
    # (0004); on PostgreSQL the tsvector
    # and its GIN index (0002), remade by 0004 over narrow rows, with (section_id, position).
    fulltext = importlib.import_module("kabar.search.migrations.0002_fulltext")
    position = importlib.import_module("kabar.search.migrations.0003_position")
    ranking = importlib.import_module("kabar.search.migrations.0004_ranking_indexes")
    marks = importlib.import_module("kabar.search.migrations.0005_words_keep_marks")
    return {
        "sqlite": (
            [*ranking.SQLITE_BACKWARD, *position.SQLITE_BACKWARD],
            [*marks.SQLITE_FORWARD, *ranking.SQLITE_FORWARD],
        ),
        "postgresql": (
            [*ranking.POSTGRES_BACKWARD, *fulltext.POSTGRES_BACKWARD],
            ranking.POSTGRES_FORWARD,
        ),
    }


def drop_index():
    """The full-text index dropped (the migrations' statements backwards), so the load
    does not build it row by row and its build can be timed on its own."""
    from django.db import connection

    backward, _forward = _index_statements()[connection.vendor]
    with connection.cursor() as cursor:
        for statement in backward:
            cursor.execute(statement)


def build_index():
    """The migrations' full-text statements forwards over the rows already there; seconds
    per statement."""
    from django.db import connection

    _backward, forward = _index_statements()[connection.vendor]
    steps = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Inside a transaction (the test), deferred foreign-key checks still pending
            # would refuse the ALTER TABLE: run them first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in forward:
            started = time.perf_counter()
            cursor.execute(statement)
            steps.append((" ".join(statement.split())[:60], time.perf_counter() - started))
        if connection.vendor == "postgresql":
            started = time.perf_counter()
            cursor.execute("ANALYZE")
            steps.append(("ANALYZE (not counted in the build)", time.perf_counter() - started))
    return steps


# Measuring --------------------------------------------------------------------------------


def filters_for(query, section_ids):
    from kabar.search.query import Filters

    year = query["year"]
    return Filters(
        section_id=section_ids[query["section"]] if query["section"] else None,
        date_from=datetime(year, 1, 1, tzinfo=UTC) if year else None,
        date_until=datetime(year + 1, 1, 1, tzinfo=UTC) if year else None,
    )


def product_search(words, filters):
    """The product's search, as the view calls it for a first page."""
    from kabar.search.query import find

    hits, _snippets = find(words, filters, 0, PAGE_SIZE)
    return hits.ids


def icontains_search(words, filters):
    """The naive search: every word in the title or the body, newest first, first page."""
    from django.db.models import Q

    from kabar.search.models import SearchEntry

    entries = SearchEntry.objects.all()
    for word in words:
        entries = entries.filter(Q(title__icontains=word) | Q(body_text__icontains=word))
    if filters.section_id is not None:
        entries = entries.filter(section_id=filters.section_id)
    if filters.date_from is not None:
        entries = entries.filter(published_at__gte=filters.date_from)
    if filters.date_until is not None:
        entries = entries.filter(published_at__lt=filters.date_until)
    ordered = entries.order_by("-published_at", "-page_id").values_list("page_id", flat=True)
    return list(ordered[: PAGE_SIZE + 1])


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return (time.perf_counter() - started) * 1000, result


def explain(words, filters):
    """The engine's plan for the product's hits query of `words`."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        product_search(words, filters)
    sqls = [q["sql"] for q in captured.captured_queries]
    hits_sql = next(sql for sql in sqls if "WITH recent" in sql)
    prefix = (
        "EXPLAIN QUERY PLAN "
        if connection.vendor == "sqlite"
        else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # On PostgreSQL the plan the product's probe chose (its set_config), set again.
        for sql in sqls:
            if "set_config" in sql:
                cursor.execute(sql)
        cursor.execute(prefix + hits_sql)
        return [" | ".join(str(c) for c in row) for row in cursor.fetchall()]


def measure(queries, section_ids, baseline_every=4, warmup=10):
    """Every query through the product's find(), then every `baseline_every`th through the
    naive search; per-query rows."""
    from kabar.search import text

    rows = []
    for query in queries[:warmup]:
        words = text.query_words(query["q"])
        if words:
            product_search(words, filters_for(query, section_ids))
    for i, query in enumerate(queries):
        words = text.query_words(query["q"])
        filters = filters_for(query, section_ids)
        ms, ids = timed(product_search, words, filters)
        rows.append({**query, "words": words, "search_ms": ms, "search_hits": len(ids)})
        rows[-1]["baseline"] = i % baseline_every == 0
    for row in rows:
        if row["baseline"]:
            ms, ids = timed(icontains_search, row["words"], filters_for(row, section_ids))
            row.update(icontains_ms=ms, icontains_hits=len(ids))
    return rows


def summary(rows):
    search = [r["search_ms"] for r in rows]
    subset = [r for r in rows if "icontains_ms" in r]
    naive = [r["icontains_ms"] for r in subset]
    same = [r["search_ms"] for r in subset]
    return {
        "queries": len(rows),
        "with_results": sum(1 for r in rows if r["search_hits"]),
        "search_p50": percentile(search, 50),
        "search_p95": percentile(search, 95),
        "search_max": max(search),
        "baseline_queries": len(subset),
        "search_p95_subset": percentile(same, 95),
        "icontains_p50": percentile(naive, 50),
        "icontains_p95": percentile(naive, 95),
        "icontains_max": max(naive) if naive else float("nan"),
        "ratio": percentile(naive, 95) / percentile(same, 95) if naive else float("nan"),
    }


def run_engine(n, k, *, baseline_every=4, seed=SEED, log=None, plans=3):
    """Fill, index and measure in the current database; everything the table needs."""
    from django.db import connection

    from kabar.search import views
    from kabar.search.models import SearchEntry

    assert views.PAGE_SIZE == PAGE_SIZE, "bench.search.PAGE_SIZE is out of step with the view"
    log = log or (lambda message: None)
    drop_index()
    started = time.perf_counter()
    done = [0]

    def progress(count):
        done[0] += count
        if done[0] % 20000 < count:
            log(f"{done[0]:,} articles written ({time.perf_counter() - started:.0f} s)")

    section_ids, stems_seconds = fill(n, seed, progress)
    load_seconds = time.perf_counter() - started
    log(f"{n:,} articles written in {load_seconds:.0f} s; building the index ...")
    steps = build_index()
    index_seconds = sum(s for name, s in steps if not name.startswith("ANALYZE"))
    log(f"index built in {index_seconds:.1f} s; {k} queries ...")
    rows = measure(query_list(k, seed), section_ids, baseline_every)
    result = {
        "engine": {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor],
        "articles": SearchEntry.objects.count(),
        "english": SearchEntry.objects.filter(language="en").count(),
        "load_seconds": load_seconds,
        "stems_seconds": stems_seconds,
        "index_seconds": index_seconds,
        "index_steps": steps,
        "rows": rows,
        **summary(rows),
    }
    slowest = sorted(rows, key=lambda r: -r["search_ms"])[:plans]
    result["plans"] = [
        {
            "q": r["q"],
            "ms": r["search_ms"],
            "plan": explain(r["words"], filters_for(r, section_ids)),
        }
        for r in slowest
    ]
    return result


def child(out, n, k, baseline_every):
    import django

    django.setup()
    result = run_engine(n, k, baseline_every=baseline_every, log=log)
    Path(out).write_text(json.dumps(result, default=str))


# The parent: sites, children, the table ---------------------------------------------------


def log(message):
    # UTC: Django's TIME_ZONE sets the child's local time to Jakarta's.
    stamp = time.strftime("%H:%M:%S", time.gmtime())
    print(f"[search-bench {stamp}] {message}", file=sys.stderr, flush=True)


def run_site(site, n, k, baseline_every, timeout):
    from bench import harness

    started = time.perf_counter()
    site.manage("migrate", "--noinput", "-v0")
    log(f"{site.tag}: migrated in {time.perf_counter() - started:.0f} s")
    out = site.data_dir / "search-result.json"
    argv = [sys.executable, "-m", "bench.search", "--child", out, "--articles", n]
    argv += ["--queries", k, "--baseline-every", baseline_every]
    child_log = site.data_dir / "search-child.log"
    proc = harness.spawn(argv, env=site.env, log=child_log)
    deadline = time.monotonic() + timeout
    seen = 0
    while proc.poll() is None:
        if time.monotonic() > deadline:
            harness.kill_group(proc)
            raise RuntimeError(f"{site.tag}: no result after {timeout} s")
        lines = child_log.read_text(errors="replace").splitlines() if child_log.exists() else []
        for line in lines[seen:]:
            print(line, file=sys.stderr, flush=True)
        seen = len(lines)
        time.sleep(0.5)
    if proc.returncode or not out.exists():
        raise RuntimeError(f"{site.tag} failed ({proc.returncode}):\n{harness.tail(child_log, 40)}")
    return json.loads(out.read_text())


def table(results):
    lines = [
        "| engine | articles | index build s | search p50 ms | search p95 ms | search max ms "
        "| icontains p50 ms | icontains p95 ms | ratio (icontains p95 / search p95) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['engine']} | {r['articles']:,} | {r['index_seconds']:.1f} "
            f"| {r['search_p50']:.1f} | {r['search_p95']:.1f} | {r['search_max']:.1f} "
            f"| {r['icontains_p50']:.1f} | {r['icontains_p95']:.1f} | {r['ratio']:.0f}× |"
        )
    lines.append("")
    for r in results:
        p95_ok = "met" if r["search_p95"] <= GOAL_P95_MS else "MISSED"
        ratio_ok = "met" if r["ratio"] >= GOAL_RATIO else "MISSED"
        lines.append(
            f"- {r['engine']}: goal search p95 ≤ {GOAL_P95_MS:.0f} ms: {p95_ok} "
            f"({r['search_p95']:.1f} ms over {r['queries']} queries, "
            f"{r['with_results']} with results); goal ≥ {GOAL_RATIO:.0f}× faster than "
            f"icontains: {ratio_ok} ({r['ratio']:.1f}×: p95 {r['icontains_p95']:.1f} ms against "
            f"{r['search_p95_subset']:.1f} ms over the same {r['baseline_queries']} queries)"
        )
    return "\n".join(lines)


def details(results):
    lines = []
    for r in results:
        lines.append(
            f"\n{r['engine']}: {r['articles']:,} articles ({r['english']:,} English) written "
            f"in {r['load_seconds']:.0f} s (of which entry_for, stemming included, "
            f"{r['stems_seconds']:.0f} s); index build steps:"
        )
        lines.extend(f"  {seconds:8.2f} s  {name}" for name, seconds in r["index_steps"])
        slow = sorted(r["rows"], key=lambda row: -row["search_ms"])[:5]
        lines.append(
            "  slowest searches: "
            + "; ".join(
                f"{row['q']!r}{' +section' if row['section'] else ''}"
                f"{' +year' if row['year'] else ''} {row['search_ms']:.1f} ms"
                for row in slow
            )
        )
        for plan in r["plans"]:
            lines.append(f"  plan of {plan['q']!r} ({plan['ms']:.1f} ms):")
            lines.extend(f"    {step}" for step in plan["plan"])
    return "\n".join(lines)


def positive(minimum):
    def parse(value):
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {number}")
        return number

    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=positive(10), default=100_000)
    parser.add_argument("--queries", type=positive(1), default=200)
    parser.add_argument(
        "--baseline-every", type=positive(1), default=4, help="icontains on every Nth query"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--timeout", type=positive(60), default=1800, help="per engine, s")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.articles, args.queries, args.baseline_every)
        return 0
    from bench import harness

    harness.install_cleanup()
    if not args.no_postgres and not harness.pg_reachable():
        parser.error(f"PostgreSQL is not reachable at {harness.PG_ADMIN_URL}; use --no-postgres")
    if args.no_postgres and args.no_sqlite:
        parser.error("--no-postgres and --no-sqlite leave nothing to measure")
    sites = [] if args.no_sqlite else [harness.Site.create("search-sqlite")]
    if not args.no_postgres:
        name = f"kabar_bench_search_{uuid.uuid4().hex[:8]}"
        sites.append(
            harness.Site.create("search-pg", database_url=harness.pg_create_database(name))
        )
    results = [
        run_site(site, args.articles, args.queries, args.baseline_every, args.timeout)
        for site in sites
    ]
    print(
        f"Reader search, {args.articles:,} articles, {args.queries} queries, "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}\n"
    )
    print(table(results))
    print(details(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
