"""What a comment says, read once for every content check: the body and the name, email
and website fields, each normalised (normalise.py), with the links, contacts and kinds of
spam phrase found in them.

The phrase lists name the ways spam asks for something (sign up at, order via, your
account is blocked, use my code) rather than topics: a reader writing about online
gambling or loan apps as news uses the topic's words, not its sales pitch. A topic word
alone is evidence only when it is in the name or website, where readers put their name,
or in the name of a site the text links to ("pgsoft-resmi.online"). A handle that takes a
side against a problem ("korban_pinjol") is a reader's, as a nickname is (nickname_only).
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from .normalise import FIELDS_KEPT, SPACE_RE, host_words, normalise, normalise_field
from .text import WORD_RE, fold, host_of, links_in

# A phone number as spam gives it: 9+ digits with optional +, spaces, dots or dashes.
DIGIT_RE = re.compile(r"\d")
# Invisible format characters (zero-width space, joiners, word joiner, bidi controls, BOM)
# between two letters: a word cut up so a filter misses it. Between emoji (a family's ZWJ
# sequence) or in scripts that need a joiner they are not counted; the soft hyphen is not
# either, since pasted hyphenated text carries it.
HIDDEN_JOIN_RE = re.compile(
    r"[A-Za-z][\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+"
    r"(?=[A-Za-z])"
)
# More of them than this in a field is no accident of copying.
HIDDEN_JOINS_DISGUISE = 2
# A handle's words run together with underscores or dots ("korban_pinjol_bogor").
HANDLE_SEP_RE = re.compile(r"(?<=[^\W_])[_.]+(?=[^\W_])")
# An email address in the text: a way to answer, as a phone number is.
# (Bounded parts: a long run of letters with no "@" costs linear time.)
EMAIL_IN_TEXT_RE = re.compile(r"[\w.+-]{1,64}@([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4})\b")
PHONE_RE = re.compile(r"(?<!\d)\+?\d(?:[\s.-]?\d){8,14}(?!\d)")
MESSENGER_RE = re.compile(
    r"\b(?:wa\.me|t\.me|api\.whatsapp\.com|line\.me)/\S+"
    r"|\b(?:wa|whatsapp|whatsap|watsap|telegram|tele|tg|line|ig|instagram|dm)\b"
    r"(?: (?:admin|aja|ke|kami|saya|kak|di|ya))*[\s:.-]*(?:\+?\d|@\w)"
    r"|(?:^|\s)@\w{3,}\s*\(?(?:telegram|tele|tg)\b",
)
# Bare host names, as spelled-out domains become ("gacor88 titik com" -> "gacor88.com").
# At most eight labels before the top-level one (a longer name is read by its last ones):
# with no bound, a body of labels and no known ending ("www." 16,000 times) cost time in
# the square of its length, 37 s for one 65,000-letter comment; bounded, 25 ms.
BARE_HOST_RE = re.compile(
    r"\b(?:[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?\.){1,8}"
    r"(?:com|net|org|xyz|info|biz|site|online|io|me|vip|pro|top|club|live|asia|cc|shop|"
    r"store|link|win|bet|fun|games?|app|sbs|icu|cyou|click|tk|ml|ga|cf|id|ly|ru|cn|pw|ws|"
    r"su|cfd|bond|buzz|today|rest|lol|help|dev|page|support|center|services|cloud|host|"
    r"space|website|tech|digital|world|email|life|mobi|tv|ai|co)\b"
)
# Hosts of public bodies, universities and schools: a link to one is a reader citing a
# source, not selling.
OFFICIAL_HOST_RE = re.compile(
    r"(?:^|\.)(?:go\.id|ac\.id|sch\.id|mil\.id|desa\.id|gov|edu|gov\.[a-z]{2}|ac\.[a-z]{2}|"
    r"edu\.[a-z]{2}|int)$"
)


def is_official(host):
    return bool(host) and bool(OFFICIAL_HOST_RE.search(host.lower().rstrip(".")))


# Encyclopaedias, news organisations and research bodies readers cite as sources. Two
# links to them are a reader showing their sources, not a link farm: with the hosts of
# public bodies they are not counted as links (a link-heavy comment to other hosts still
# is), and they make no pitch answerable.
SOURCE_HOST_NAMES = """wikipedia.org wikimedia.org wikisource.org wiktionary.org archive.org
    kompas.com kompas.id tempo.co detik.com cnnindonesia.com cnbcindonesia.com
    antaranews.com tirto.id katadata.co.id liputan6.com republika.co.id kumparan.com
    mongabay.co.id mediaindonesia.com jawapos.com tribunnews.com idntimes.com
    thejakartapost.com jakartaglobe.id bisnis.com kontan.co.id okezone.com suara.com
    beritasatu.com voaindonesia.com bbc.com bbc.co.uk reuters.com apnews.com afp.com
    theguardian.com nytimes.com washingtonpost.com aljazeera.com dw.com abc.net.au
    theconversation.com nature.com science.org sciencedirect.com ncbi.nlm.nih.gov
    who.int un.org worldbank.org imf.org adb.org oecd.org unicef.org unesco.org
    perludem.org antikorupsi.org kontras.org walhi.or.id ylki.or.id lbhjakarta.org
    lokadata.id databoks.katadata.co.id"""
SOURCE_HOSTS = frozenset(SOURCE_HOST_NAMES.split())
# The most labels a name of SOURCE_HOSTS has: only so many of a host's last labels are read
# (a comment's "www.www.www…" would otherwise be joined again from each of its labels).
SOURCE_LABELS = max(name.count(".") + 1 for name in SOURCE_HOSTS)


def is_source(host):
    """A host of a public body or of a source readers cite (SOURCE_HOSTS, subdomains too)."""
    if is_official(host):
        return True
    host = (host or "").lower().rstrip(".")
    labels = host.split(".")[-SOURCE_LABELS:]
    return any(".".join(labels[start:]) in SOURCE_HOSTS for start in range(len(labels) - 1))


# Phrases that ask for something, by kind. Matched on normalised text (lower case,
# look-alikes read as Latin letters, "sl0t" as "slot").
PITCHES = {
    "gambling": (
        r"\bgacor\b|\bmaxwin\b|\bmax win\b|\bscatter\b|\bjackpot\b|\bjp\b|\bwd\b|withdraw|"
        r"\bfreebet|free spins?|bonus (?:new )?member|new member|deposit pulsa|\bdepo\b|"
        r"rungkad|link alternatif|\brtp\b|rollingan|cashback mingguan|pasaran|"
        r"(?:bandar|agen|prediksi|bocoran|pola|rekomendasi|trusted|best)\s+(?:slot|togel|"
        r"toto|judi|bola|casino|kasino|poker|betting|mahjong|sabung)|"
        # Bounded runs of letters: a long word of "slotslot…" costs linear time, not cubic.
        r"(?:slot|togel|casino|kasino|poker|betting|toto|judi)\w{0,20}\s+(?:online\s+)?"
        r"(?:gacor|resmi|terpercaya|terbaik|hari ini|malam ini|bonus|jitu)|mahjong ways|"
        r"welcome bonus|sports betting|live casino|slot ?\d{2,}|\w{0,30}slot\w{0,30}\.|"
        r"togel4d|toto ?4d|"
        r"(?:pasang|bandar|agen) taruhan|\bparlay\b|\bsl\W?t gac\W?r\b"
    ),
    "loan": (
        r"pinjol\s+(?:resmi|cepat|cair|terpercaya)|pinjaman\s+(?:tanpa|dana|kta|"
        r"cepat|limit)|dana\s+(?:cepat|kilat|tunai)|(?:langsung|cepat) cair|"
        r"cair (?:\d+ (?:menit|jam)|hari (?:ini|itu)|dalam|ke rekening|tanpa|maksimal)|"
        r"tanpa (?:bi checking|jaminan|"
        r"agunan|survei|slip gaji|ribet)|cek slik|bi checking|gadai (?:bpkb|sertifikat)|"
        r"\bkta\b|limit (?:besar|\d)|pelunasan pinjol|lunasi (?:semua )?hutang|"
        r"(?:personal|payday|instant|fast cash|quick|business) loans?|loans? (?:approved|up to)|"
        r"no credit (?:check|history)|bad credit|kredit tanpa|modal usaha tanpa|"
        r"private lenders?|offering (?:a )?loans?|pemberi pinjaman|dana talangan|"
        r"pinjaman (?:pribadi|tunai|hingga|sampai|mulai)|pinjam uang \d|"
        # A lender's testimony: "I was cheated by fake lenders until Mrs X lent me ...".
        r"(?:melayani|menawarkan|memberikan) pinjaman|(?:bersaksi|kesaksian|testimoni)\b"
        r"[^.!?]{0,80}\bpinjaman|loan (?:firm|company|lender|offer)|testify\b[^.!?]{0,80}\bloan"
    ),
    "promotion": (
        r"(?:kunjungi|mampir|mampir ke|singgah|main ke|cek|lihat|baca)(?: juga)? (?:ke )?"
        r"(?:blog|web|website|situs|toko|produk|halaman|channel|artikel) (?:saya|kami|ku|aku)|"
        r"(?:visit|check out|see) (?:also )?my (?:blog|website|site|page|shop|store)|"
        r"salam (?:kenal )?dari (?:tim|kami)|please (?:also )?visit|(?:toko|produk|layanan) kami"
    ),
    "occult": (
        r"jasa (?:santet|pelet|ruqyah|dukun|pesugihan|pengasihan|penglaris|gendam|supranatural)|"
        r"ruqyah (?:jarak jauh|online|via|mandiri)|buang (?:santet|sial|guna-guna|pelet)|"
        r"mahar (?:seikhlasnya|rp|\d)|ilmu (?:pelet|pengasihan|kebal|gaib|penglaris)|"
        r"pelet (?:ampuh|jarak jauh|wanita|pria|foto)|pesugihan (?:tanpa tumbal|putih|instan)|"
        r"dukun (?:sakti|ampuh|pelet|terbukti)|penarik (?:rezeki|jodoh)|jin penghalang|"
        r"pagar gaib|minyak (?:pelet|penglaris|pengasihan)|spell caster|love spell"
    ),
    "medicine": (
        r"obat (?:kuat|penggugur|aborsi|pembesar)|pil (?:aborsi|kb tunda|diet|pelangsing)|"
        r"penggugur kandungan|pembesar|pelangsing|peninggi badan|penumbuh rambut|"
        r"penghancur lemak|stamina pria|\bviagra\b|\bcialis\b|sildenafil|tramadol|xanax|"
        r"oxycodone|sleeping pills|weight loss (?:injections|pills)|without (?:a )?prescription|"
        r"no doctor|sembuh total|obat tidur|pil tidur|tanpa resep|no prescription|"
        r"(?:obat|pil|kapsul) \w+ (?:asli|original|murah)|turun \d+ ?kg|kirim rahasia|"
        r"dijamin rahasia|pengiriman rahasia|discreet|herbal asli|100 ?persen herbal|"
        r"garansi uang kembali|ribuan testimoni|cytotec|misoprostol|gastrul|pelancar haid|"
        r"telat bulan|(?:krim|cream) pemutih|pemutih wajah"
    ),
    "phishing": (
        r"\b(?:akun|rekening|kartu|account|card|mailbox|wallet)\b[^.!?]{0,60}?\b(?:diblokir|"
        r"terblokir|dibekukan|dinonaktifkan|terkunci|ditutup|dihapus|diputus|blocked|"
        r"suspended|locked|frozen|closed|deleted|disabled|deactivated)\b|"
        r"akan diputus|diputus besok|"
        r"rekening (?:anda )?(?:akan |telah )?(?:ditutup|diblokir|dibekukan)|buka blokir|"
        r"verifikasi (?:data|akun|identitas)|konfirmasi (?:identitas|data)|perbarui (?:data|"
        r"alamat|sekarang|pin|otp|kartu)|tarif (?:transfer )?\w* ?(?:berubah|naik) jadi|"
        r"jika tidak setuju (?:isi|klik|silakan)|kode otp|masukkan (?:kode|pin)|nomor kartu|"
        r"kartu atm|"
        r"data (?:ktp|diri|pemenang)|isi nik|nik dan nomor rekening|terpilih sebagai|"
        r"pemenang program|hadiah undian|klaim di|tertahan di gudang|biaya kirim ulang|"
        r"account (?:is |has been |will be )?(?:blocked|suspended|locked|frozen|closed)|"
        r"will be frozen|restore access|verify your|confirm your|unusual sign.?in|"
        r"failed logins?|update your (?:billing|payment)|mailbox is (?:almost )?full|"
        r"unlock it|security alert|your pin\b|sebelum (?:1x24 jam|tengah malam)|"
        r"dalam 24 jam|within 24 hours|paling lambat hari ini|jatuh tempo dan kena denda|"
        r"transaksi asing|aktivitas mencurigakan|suspicious activity|"
        r"(?:pembayaran|tagihan|langganan|autodebet)\w* (?:anda |kamu )?(?:gagal|ditolak|"
        r"dihentikan|ditangguhkan|tertunda)|payment (?:has )?(?:failed|declined)|"
        r"(?:billing|payment) (?:issue|problem|information)|subscription (?:is |has been )?"
        r"(?:suspended|on hold|cancell?ed)|(?:ajukan|submit an?|file an?) (?:banding|appeal)|"
        r"(?:pelanggaran|violation of) (?:hak cipta|copyright|community)|"
        r"(?:akun|account|page|halaman)\w* (?:anda |your )?(?:akan |will be )?"
        r"(?:dinonaktifkan permanen|permanently (?:disabled|deleted))"
    ),
    "referral": (
        r"kode (?:undangan|referral|referal|ajak|ajakan|promo dari saya|sponsor|agen|afiliasi)|"
        r"(?:masukin|masukkan|masukan|input) kode (?!otp|pin)\w*\d|referr?al\s*:|"
        r"program afiliasi|"
        r"(?:referral|invite|invitation|promo) code|use my code|pakai kode|"
        r"penghasil uang|aplikasi penghasil|dapat (?:bayaran|komisi|saldo)|komisi seumur hidup|"
        r"saldo (?:gratis|pertama)|(?:langsung|pasti) (?:cair|dibayar|masuk)|"
        r"terbukti (?:bayar|membayar)|beneran membayar|bukti (?:wd|withdraw|pembayaran)|"
        r"withdrawal proof|withdrew|free money|get paid|we both get|welcome bonus|"
        r"cuan (?:tiap|setiap) hari|cuan bareng|penghasilan tambahan|kerja dari hp|"
        r"modal hp|like dan follow|nonton video dapat|(?:kerja|bisnis) (?:part ?time|paruh waktu|"
        r"sampingan|online|dari rumah)|part.?time job|per like|gaji harian|"
        r"penghasilan (?:pasif|\d+\s*(?:rb|ribu|juta|k)\b)|\d+\s*(?:rb|ribu|k) per (?:hari|like)|"
        r"\d+ dollars? a day|from home|no experience needed|lowongan admin online|"
        r"gaji (?:\d+|jutaan|sampai|hingga|mulai)|(?:rp ?)?\d+\s*(?:juta|jt)\w* (?:per|/|se)\s?"
        r"(?:bulan|minggu|hari)|kerja (?:santai|dari hp|dari rumah|di rumah)|"
        r"(?:lowongan|loker|rekrut|dibutuhkan|butuh) (?:\w+ )?(?:admin|karyawan|pekerja|reseller|"
        r"freelance)|tanpa (?:pengalaman|ijazah|interview)|(?:work|earn) from home"
    ),
    "scheme": (
        r"robot trading|profit (?:harian|pasti|\d)|double your|guaranteed (?:profit|returns?)|"
        r"tidak pernah loss|jual followers|followers? (?:murah|real|aktif)|"
        r"jasa (?:seo|backlink|pelunasan)|backlink|presale|pre-sale|airdrop|"
        r"(?:trading|investasi|invest) (?:emas|crypto|kripto|forex|saham|bitcoin|btc|koin)|"
        r"binary option|opsi biner|(?:profit|untung|keuntungan|return|roi)\w* (?:\w+ )?\d+ ?"
        r"(?:%|persen|percent|x)|\d+ ?(?:%|persen|percent) (?:per|tiap|setiap|a|each|/) ?"
        r"(?:bulan|minggu|hari|month|week|day)|passive income|penghasilan pasif|"
        r"(?:mentor|coach) (?:trading|saham|crypto|kripto|bisnis|cuan)|"
        r"koin (?:baru|ini) (?:akan|bakal)|to the moon|100x|1000x|"
        r"(?:jual|beli|tambah|jasa) (?:\d+k? )?(?:followers|follower|pengikut|viewers|views|"
        r"subscribers?|likes?|komen(?:tar)?|comments?|penonton)|"
        r"modal \d+ ?(?:rb|ribu|juta|jt|k)\w* (?:jadi|bisa jadi|menjadi|dapat) \d+|"
        r"jual (?:data|database)|database nomor|link (?:di|in|ada di) (?:bio|profil)|"
        r"(?:followers|subscribers|viewers|views|likes) "
        r"(?:\w+ )?(?:murah|permanen|aktif|real|instan|instant)|suntik (?:followers|views)"
    ),
}
# The words spam is about. Said plainly they are news too; spelled so that a filter would
# miss them ("ѕlοτ", "p1nj0l", "t-o-g-e-l") they are only ever spam.
TOPIC_RE = re.compile(
    r"\b(?:slot|gacor|maxwin|togel|toto|judi|casino|kasino|poker|betting|mahjong|jackpot|"
    r"pinjol|pinjaman|obat|viagra|cialis|bonus|deposit|withdraw|online|daftar|promo)\b"
)
# Stock courtesies that spam borrows as camouflage and readers write sincerely: they say
# nothing either way, so the learned score does not read them (the other checks do).
STOCK_RE = re.compile(
    r"\b(?:terima ?kasih|makasih|trims|thanks?(?: you)?|matur nuwun)(?: banyak)?"
    r"(?: (?:atas|untuk|for))?(?: (?:the )?(?:info(?:nya|rmasi(?:nya)?)?|berita(?:nya)?|"
    r"artikel(?:nya)?|liputan(?:nya)?|sharing|ulasan(?:nya)?|article|post))?"
    r"(?:,? (?:min|kak|gan|bang|redaksi|admin|mas|mbak))?\b"
    r"|\b(?:mantap|keren|nice|great) (?:beritanya|artikelnya|infonya|article|post|info)\b"
    r"|\b(?:sangat|very) (?:bermanfaat|membantu|helpful|useful|informative)\b"
)
# A reader warning others about a scam quotes its words: the learned score is told.
WARNING_RE = re.compile(
    r"\b(?:penipuan|penipu|hati-hati|hati hati|waspada|modus|scam|scams|tertipu|ditipu|"
    r"jangan (?:mudah )?percaya|beware|fraud|never do that|don't click|jangan klik)\b"
)
# A lure, as phishing writes it: something to do at an address, to the reader, in a hurry.
LURE_ACTION_RE = re.compile(
    r"\b(?:lindungi|amankan|tukar|tukarkan|klaim|verifikasi|konfirmasi|bayar|perbarui|"
    r"aktifkan|login|masuk|isi|lengkapi|ajukan|cek|reschedule|pay|claim|verify|confirm|"
    r"update|unlock|restore|redeem|sign in|log in)\b"
)
LURE_PRESSURE_RE = re.compile(
    r"\b(?:anda|kamu|your|you)\b[^!?]{0,100}\b(?:sebelum|hangus|kedaluwarsa|segera|sekarang|"
    r"hari ini|malam ini|besok|\d+ ?jam|expire|expires|expired|now|today|tomorrow|"
    r"immediately|twice|fee|biaya|denda|terdeteksi|detected)\b"
)
MESSENGER_HOSTS = {"wa.me", "t.me", "api.whatsapp.com", "line.me", "telegram.me", "wa.link"}
# A code to type in, as referral spam gives it: capitals and digits ("JAYA77", "8HJK2").
CODE_RE = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{4,12}\b|\b[A-Z]{5,12}\d*\b")
PITCH_RES = {kind: re.compile(pattern) for kind, pattern in PITCHES.items()}
# Cheap gates: a kind's pattern is searched only when the text has one of its words (a set
# lookup over the text's words costs a fraction of a regular-expression search), or one
# of its fragments for the patterns that match inside words. Each alternative of a
# pattern needs one of these, so a gate never hides a match.
PITCH_GATES = {
    "gambling": (
        "gacor maxwin max scatter jackpot jp wd freebet spin spins member deposit depo "
        "rungkad alternatif rtp rollingan cashback pasaran bandar agen prediksi bocoran pola "
        "rekomendasi trusted best mahjong welcome toto togel casino kasino poker betting judi "
        "taruhan parlay",
        (
            "slot",
            "gac",
            "withdraw",
            "freebet",
            "togel",
            "casino",
            "kasino",
            "poker",
            "betting",
            "toto",
        ),
    ),
    "loan": (
        "pinjol pinjaman dana kilat tunai cair checking jaminan agunan survei slip ribet slik "
        "gadai kta limit pelunasan lunasi loan loans credit kredit modal lender lenders offering "
        "pemberi talangan pinjam melayani menawarkan memberikan bersaksi kesaksian testimoni "
        "testify",
        (),
    ),
    "medicine": (
        "obat pil penggugur pembesar pelangsing peninggi penumbuh penghancur stamina viagra "
        "cialis sildenafil tramadol xanax oxycodone pills injections prescription doctor "
        "sembuh kg rahasia discreet herbal garansi testimoni tidur resep kapsul cytotec "
        "misoprostol gastrul pelancar telat krim cream pemutih",
        ("kg",),
    ),
    "promotion": (
        "kunjungi mampir singgah main cek lihat baca visit check see salam please toko produk "
        "layanan",
        (),
    ),
    "occult": (
        "jasa ruqyah buang mahar ilmu pelet pesugihan dukun penarik jin pagar minyak spell",
        (),
    ),
    "phishing": (
        "akun rekening kartu account card mailbox wallet diputus blokir verifikasi konfirmasi "
        "perbarui otp masukkan atm ktp diri pemenang nik terpilih undian klaim tertahan ulang "
        "frozen restore verify confirm unusual failed billing payment unlock alert pin 1x24 "
        "tengah 24 hours lambat tempo asing mencurigakan suspicious pembayaran tagihan "
        "langganan autodebet payment billing subscription banding appeal submit file "
        "pelanggaran violation halaman page tarif setuju",
        (),
    ),
    "referral": (
        "kode code referral penghasil bayaran komisi saldo cair dibayar masuk terbukti "
        "membayar beneran bukti withdrawal withdrew money paid both welcome cuan penghasilan "
        "kerja bisnis modal like nonton part time gaji rb ribu k dollars dollar home "
        "experience lowongan gaji juta jt santai loker rekrut dibutuhkan butuh tanpa work earn "
        "masukin masukkan masukan input referal afiliasi",
        ("part", "juta", "jt"),
    ),
    "scheme": (
        "robot profit double guaranteed loss followers follower jasa backlink presale pre "
        "airdrop trading investasi invest binary opsi untung keuntungan return roi passive "
        "penghasilan mentor coach koin moon 100x 1000x jual beli tambah viewers views "
        "subscribers subscriber likes suntik like komen komentar comment comments modal link "
        "database",
        ("%", "persen", "percent"),
    ),
}
PITCH_GATES = {
    kind: (frozenset(words.split()), parts) for kind, (words, parts) in PITCH_GATES.items()
}
WARNING_GATES = frozenset(
    [
        "penipuan",
        "penipu",
        "hati",
        "waspada",
        "modus",
        "scam",
        "scams",
        "tertipu",
        "ditipu",
        "percaya",
        "beware",
        "fraud",
        "never",
        "don",
        "klik",
    ]
)
MESSENGER_GATES = frozenset(
    [
        "wa",
        "me",
        "whatsapp",
        "whatsap",
        "watsap",
        "telegram",
        "tele",
        "tg",
        "line",
        "ig",
        "instagram",
        "dm",
    ]
)
STOCK_GATES = frozenset(
    [
        "kasih",
        "terimakasih",
        "makasih",
        "trims",
        "thanks",
        "thank",
        "nuwun",
        "mantap",
        "keren",
        "nice",
        "great",
        "sangat",
        "very",
    ]
)
TLD_GATE_RE = re.compile(r"\.[a-z]{2,}\b")
# A letter masked by a symbol inside a pitch's word ("sl*t gac*r"): hidden from filters.
MASKED_RE = re.compile(r"[a-z][*#]+[a-z]")
# Kinds of pitch that, found in the name or the website's words, make it an advertisement:
# no person is named "Gadai BPKB Cepat Cair" or "Jual Obat Aborsi".
FIELD_PITCH_KINDS = ("gambling", "loan", "medicine", "scheme", "occult")


# Topic words that, in a name, are an advertisement and not a person (whole words, so
# "Judith" or "Lucky" stay names); in a website or an email address, where words run
# together ("situsslot88", "herbalperkasa"), the unmistakable ones anywhere.
def words_of(text):
    return frozenset(text.split())


NAME_TOPICS_RE = re.compile(
    r"\b(?:slot|togel|toto|judi|casino|kasino|poker|betting|bet|jp|bandar|agen ?bola|"
    r"pinjol|pinjaman|dana ?(?:kilat|cepat|tunai)|kredit|loans?|obat|pil|pelangsing|"
    r"followers?|backlink|seo|promo|bonus|diskon|viagra|cialis|spin|jackpot|meds|pills|"
    r"maxwin|gacor|herbal|cuan|giveaway|crypto|forex|trading|scatter|mahjong|sbobet|"
    r"pesugihan|tumbal|dukun|santet|pelet|susuk|penglaris|bitcoin|btc|binance|presale|"
    r"pragmatic|zeus|olympus|parlay|sabung|taruhan|gadai|pemutih)\b"
)
# Topic words no parent gives a child: with another advert word beside them, the name is
# an advertisement beyond doubt ("Scatter Hitam Mahjong", "Agen Parlay Terpercaya").
NAME_STRONG_RE = re.compile(
    r"\b(?:slot|togel|gacor|maxwin|scatter|mahjong|sbobet|casino|kasino|judi|pesugihan|"
    r"tumbal|dukun|santet|pinjol|viagra|cialis|parlay|jackpot|taruhan|sabung|bitcoin|btc|"
    r"crypto|forex|backlink|followers|presale)\b"
)
# Words that make a name read as an advert when two or more come together ("Daftar Akun
# Pro", "Prediksi Skor Akurat"). Lucky words (hoki, untung, rezeki, jaya) are not among
# them: they are given names ("Budi Hoki", "Untung Jaya", "Rezeki Hoki Saputra").
NAME_ADVERT_RE = re.compile(
    r"\b(?:daftar|akun|pro|prediksi|skor|akurat|profit|gratis|murah|"
    r"resmi|terpercaya|terbaik|official|situs|link|login|agen|jual|jasa|sebulan|"
    r"perbulan|harian|mingguan|cepat|instan|jitu|bocoran|pola|gampang|menang|vip|"
    r"investasi|invest|income|passive|kaya|sukses|hari ini|ways|online|thailand|kamboja|"
    r"server|tanpa|asli|ampuh|sakti|terbukti|admin|cs|wa|whatsapp|\d+ ?%)"
    r"(?!\w)"
)
# A number in the name with a word of a contact ("Admin WA 0812…") may be a shop's owner;
# with a topic or a selling word ("Joki Skripsi Murah WA 0812…") it is an advertisement.
CONTACT_WORDS = words_of("wa whatsapp admin cs")
# Topic words readers bear as names or nicknames ("Om Bet", "Toto Sudarto", "Reza Gacor",
# "Kasino Hadi" after the comedian, a badminton player's "Joko Spin", "Rendy Maxwin"): the
# only one in a name of two or more words, with nothing else advertising, is evidence, not
# a hold, and so is the same word in the reader's own webmail address (wayan.gacor@…).
# Next to a word gambling sites are named with ("Raja Toto", "Dewa Gacor") it is a site's
# name; alone ("Gacor") it is no person's name.
NAME_NICKNAMES = words_of("bet toto gacor kasino spin slot maxwin jackpot")
SITE_NAME_WORDS = words_of("raja dewa bos boss king mpo sultan situs mega naga hoki link")
# Social problems readers name themselves after when they take a side or tell what befell
# them ("korban_pinjol_bogor", "Stop Judol", "Ibu Anti Judi"): the problem's word next to a
# word of a stance or of a victim is a reader's handle, not an advert. Beside no such word
# ("Mas Pinjol", "Pinjol") it still reads as a lender's.
ISSUE_WORDS = words_of("pinjol judol judi togel slot")
STANCE_WORDS = words_of(
    "korban anti stop lawan tolak bebas berantas basmi mantan eks ex penyintas pejuang "
    "survivor kapok"
)


ISSUE_ONLINE_RE = re.compile(r"\b(pinjol|judol|judi|togel|slot) online\b")


def _stance_handle(words):
    """The issue word of a handle that takes a side against it, or ""."""
    topics = [word for word in words if word in ISSUE_WORDS]
    if len(topics) == 1 and not STANCE_WORDS.isdisjoint(words):
        return topics[0]
    return ""


def nickname_only(reading):
    """Whether the only advertising found is one nickname-like topic word in a person's
    name, or the word of a problem in a handle that takes a side against it (and perhaps
    the same word in their webmail or institution's address)."""
    if reading.field_pitch or reading.name_advert or DIGIT_RE.search(reading.name):
        return False
    words = WORD_RE.findall(reading.name)
    topics = [word for word in words if NAME_TOPICS_RE.fullmatch(word)]
    nickname = ""
    if (
        len(words) >= 2
        and len(topics) == 1
        and topics[0] in NAME_NICKNAMES
        and SITE_NAME_WORDS.isdisjoint(words)
    ):
        nickname = topics[0]
    elif len(topics) == 1:
        nickname = _stance_handle(words)
    own_mailbox = reading.webmail or is_official(reading.email_domain)
    mailbox_handle = _stance_handle(reading.mailbox_words) if own_mailbox else ""
    if not nickname and not mailbox_handle:
        return False
    return all(
        (label == "name" and nickname)
        or (label == "email" and own_mailbox and word in (nickname, mailbox_handle))
        for label, word in reading.field_topics
    )


# In a website (or a mailbox's own domain), where words run together ("situsslot88",
# "herbalperkasa"), the unmistakable ones anywhere.
ADDRESS_TOPICS_RE = re.compile(
    r"slot|gacor|maxwin|togel|pinjol|pinjam|casino|kasino|judi|poker|jackpot|viagra|"
    r"pharma|pills|meds|herbal|obat|followers|backlink|replica|giveaway|saldogratis|"
    r"danakilat|bonus|promo|cuan|hoki|spin|betting|kredit|loan|crypto|forex|scatter|"
    r"sbobet|mahjong|pesugihan|dukun|tumbal|santet|akunpro|btc|bitcoin|profit|prediksi|"
    r"parlay|taruhan|trading|invest|toto\d|pragmaticplay|pgsoft|pemutih|pelangsing|peninggi|"
    r"gadai|agunan|"
    # Trades that live on comment links: escorts, essay mills, fake papers, copies.
    r"escort|cheap|(?:essay|paper|homework|assignment|dissertation|thesis)(?:help|writ|service|pro)|"
    r"buy(?:essay|degree|diploma)|fakediploma|ijazah|jokitugas|jokiskripsi|jasaskripsi"
)
# In a website, words no personal or business site is named for.
WEBSITE_STRONG_RE = re.compile(
    r"slot|togel|gacor|maxwin|scatter|mahjong|sbobet|casino|kasino|pesugihan|pinjol|viagra|"
    r"cialis|parlay|jackpot|danakilat|taruhan|toto\d|pragmaticplay|pgsoft"
)
# The local part of a webmail address is a person's choice of handle: only words that are
# never a name or a nickname count there ("hoki", "cuan" or "spin" do not).
MAILBOX_TOPICS_RE = re.compile(
    r"slot|gacor|maxwin|togel|pinjol|casino|kasino|poker|jackpot|viagra|sbobet|scatter|"
    r"mahjong|pesugihan|backlink|followers"
)
WEBMAIL = words_of(
    "gmail.com googlemail.com yahoo.com yahoo.co.id ymail.com hotmail.com outlook.com "
    "outlook.co.id live.com msn.com icloud.com me.com proton.me protonmail.com aol.com "
    "gmx.com gmx.net mail.com zoho.com yandex.com yandex.ru rocketmail.com tutanota.com "
    "fastmail.com hey.com"
)
# Link shorteners and link-in-bio pages: the address hides where it goes.
SHORTENER_RE = re.compile(
    r"(?<![\w.])(?:s\.id|bit\.ly|bitly\.com|tinyurl\.com|cutt\.ly|shorturl\.at|linktr\.ee|"
    r"is\.gd|t\.ly|rebrand\.ly|ow\.ly|rb\.gy|tiny\.cc|lnk\.bio|heylink\.me|wa\.link|bit\.do|"
    r"s\.ly|shorturl\.asia|urlshortener\.\w+|lynk\.id|msha\.ke|bio\.link|goo\.gl)"
    r"(?:/[\w./?=&%-]*)?"
)
SHORTENERS = words_of(
    "s.id bit.ly bitly.com tinyurl.com cutt.ly shorturl.at linktr.ee is.gd t.ly rebrand.ly "
    "ow.ly rb.gy tiny.cc lnk.bio heylink.me wa.link bit.do s.ly shorturl.asia lynk.id msha.ke "
    "bio.link goo.gl"
)
# Free hosting, where anyone makes "brand-login.web.app" in a minute: the name before the
# suffix is the site's own.
FREE_HOSTS = (
    "web.app",
    "firebaseapp.com",
    "blogspot.com",
    "netlify.app",
    "vercel.app",
    "github.io",
    "pages.dev",
    "herokuapp.com",
    "wixsite.com",
    "weebly.com",
    "000webhostapp.com",
    "glitch.me",
    "repl.co",
    "wordpress.com",
    "carrd.co",
    "godaddysites.com",
    "square.site",
    "framer.website",
    "my.canva.site",
    "sites.google.com",
)
SECOND_LEVEL = words_of("co com net org or go ac my biz web sch gov edu")
# Brands phishing borrows: in the site's own name next to other words
# ("netflix-billing-id.com", "bri-tarif-baru.web.app"), an imitation; as the whole name
# ("netflix.com", "help.netflix.com", "bri.co.id"), the brand itself.
BRANDS = words_of(
    "netflix paypal facebook fb instagram whatsapp google gmail apple icloud "
    "microsoft outlook office365 amazon shopee tokopedia lazada bukalapak blibli gojek gopay "
    "ovo linkaja bca bri bni mandiri btn bsi jenius cimb permata danamon pln bpjs "
    "telkomsel indihome tiktok youtube spotify binance indodax dhl fedex jne jnt "
    "sicepat posindonesia djp samsat kemenkes dukcapil traveloka disney"
)
BRAND_WORDS_RE = re.compile(
    r"netflix|paypal|facebook|instagram|whatsapp|google|icloud|microsoft|office365|amazon|"
    r"shopee|tokopedia|lazada|bukalapak|gojek|gopay|telkomsel|indihome|tiktok|youtube|"
    r"spotify|binance|indodax|traveloka|posindonesia|mandiri|djp|bpjs"
)
LOOKALIKE_WORDS = words_of(
    "login signin secure verify verifikasi billing bill payment bayar appeal banding support "
    "help cs center centre service layanan account akun update restore unlock recovery tarif "
    "promo hadiah klaim claim bonus gift reward poin point id official resmi security "
    "konfirmasi aktivasi blokir"
)


# Read once per process, as normalise_field and host_words: a commenter's email domain and
# website come again with each of their comments.
@functools.lru_cache(maxsize=FIELDS_KEPT)
def site_label(host):
    """The name a site chose: "netflix-billing-id" of netflix-billing-id.com, "bri-tarif-baru"
    of bri-tarif-baru.web.app, "netflix" of help.netflix.com; and whether it is on free
    hosting."""
    host = host.lower().rstrip(".")
    for suffix in FREE_HOSTS:
        if host.endswith("." + suffix):
            rest = host[: -len(suffix) - 1]
            return rest.rsplit(".", 1)[-1], True
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2:
        return labels[-3], False
    return (labels[-2] if len(labels) >= 2 else labels[0]), False


def lookalike(host):
    """Why a host imitates a brand, or "" when it does not."""
    if not host or is_official(host):
        return ""
    label, free = site_label(host)
    parts = [part for part in re.split(r"[^a-z]+", label) if part]
    if not parts:
        return ""
    brand = next((part for part in parts if part in BRANDS), "")
    if not brand:
        found = BRAND_WORDS_RE.search(label)
        brand = found.group(0) if found and found.group(0) != label else ""
    if brand and (free or len(parts) > 1 or label != brand):
        return f"{brand} in {host}"
    if free and any(part in LOOKALIKE_WORDS for part in parts):
        return f"account words in {host}"
    return ""


# A way to answer, asked for ("hubungi", "order via", "yang minat"): with a phone number or
# messenger it is a sales ask.
SALES_ASK_RE = re.compile(
    r"\b(?:hubungi|hub|kontak|contact|call|chat|inbox|japri|pm|dm|order|pesan|pemesanan|"
    r"minat|berminat|info lebih lanjut|info lanjut|tanya-tanya|konsultasi|daftar|gabung|"
    r"join|text me|message me|reach me|whatsapp me|wa me|slow respon|fast respon)\b"
)
# Hotlines a reader points others to: a number with these words is a public service.
HOTLINE_RE = re.compile(
    r"\b(?:call cent(?:er|re)|hotline|layanan pengaduan|pengaduan|resmi (?:bank|ojk|pemerintah)|"
    r"ojk|polisi|kepolisian|kominfo|komdigi|aduan|lapor|halo bca|bri 14017|nomor resmi|"
    r"situs resmi|official (?:number|site|hotline)|customer service resmi)\b"
)


@dataclass
class Reading:
    """A comment's fields as the content checks read them."""

    body: str = ""
    # The body without stock courtesies ("terima kasih infonya, min"), for the learned score.
    plain_words: str = ""
    name: str = ""
    email_domain: str = ""
    website_host: str = ""
    website_words: tuple = ()
    hosts: list = field(default_factory=list)  # linked hosts (body, website), not official
    body_hosts: list = field(default_factory=list)  # of those, the ones in the text
    official_hosts: list = field(default_factory=list)  # public bodies and cited sources
    code: bool = False  # a referral-style code in capitals and digits
    warning: bool = False  # words of a reader warning about a scam
    phone: bool = False
    messenger: bool = False
    pitches: dict = field(default_factory=dict)  # kind -> phrase found, in the body
    # What was found only once look-alikes, leetspeak, split letters or spelled-out dots
    # were read: ["'slot gacor'", "host gacor88.com"].
    disguised: list = field(default_factory=list)
    field_topics: list = field(default_factory=list)  # "'slot' in name"
    lookalikes: list = field(default_factory=list)  # "netflix in netflix-billing-id.com"
    shortener: bool = False  # a link shortener or link-in-bio page
    lure: bool = False  # account or prize wording (see PITCHES["phishing"])
    sales_ask: str = ""  # "hubungi" next to a phone or messenger
    hotline: bool = False  # a reader pointing to an official service
    webmail: bool = False  # the email is at a public webmail provider
    name_words: int = 0  # words in the name
    mailbox_words: tuple = ()  # the email's local part, as words
    # An email address in the text that is not a public body's: a way to answer.
    email_contact: bool = False
    # Letters cut apart by invisible characters, in the body or the name.
    hidden_joins: int = 0
    # The text links the commenter's own site (their website's host or their email's own
    # domain): a reader cites others; a business advertises itself.
    own_link: bool = False
    name_advert: list = field(default_factory=list)  # advert words in the name
    # A pitch of a known kind in the name or the website's words: "loan offer in name".
    field_pitch: str = ""
    # The name or website is an advertisement beyond doubt (see fields_advertise).
    advert: str = ""


def fields_advertise(reading, website):
    """Why the name or website is an advertisement beyond doubt, or "": a name of two or more
    topic and advert words with one no person bears ("Prediksi Skor Akurat Sbobet"), three
    advert words ("Daftar Akun Pro Thailand"), a topic in both name and website, or two
    topics in one website or one that only gambling, loans or pills are named for."""
    if reading.field_pitch:
        return reading.field_pitch
    name_words = set(NAME_TOPICS_RE.findall(reading.name)) | set(reading.name_advert)
    selling = set(reading.name_advert) - CONTACT_WORDS
    if PHONE_RE.search(reading.name) and (NAME_TOPICS_RE.search(reading.name) or selling):
        return f"name '{reading.name}' with a phone number"
    if NAME_STRONG_RE.search(reading.name) and len(name_words) >= 2:
        return f"name '{reading.name}'"
    if len(reading.name_advert) >= 3:
        return f"name '{reading.name}'"
    labels = {label for label, _word in reading.field_topics}
    if "name" in labels and "website" in labels:
        return "name and website"
    if len(set(ADDRESS_TOPICS_RE.findall(website))) >= 2 or WEBSITE_STRONG_RE.search(website):
        return f"website {reading.website_host}"
    return ""


def kept_on(comment, name, make):
    """`make(comment)`, made once and kept on the unsaved comment as `name`, with the
    fields it was made from: an edited comment's is made again."""
    key = (comment.body, comment.author_name, comment.author_email, comment.author_url)
    kept = getattr(comment, name, None)
    if kept is not None and kept[0] == key:
        return kept[1]
    value = make(comment)
    setattr(comment, name, (key, value))
    return value


def read_comment(comment):
    """The Reading of an unsaved comment, made once and kept on it."""
    return kept_on(
        comment,
        "_spam_reading",
        lambda c: read_fields(
            c.body or "",
            name=c.author_name or "",
            email=c.author_email or "",
            url=c.author_url or "",
        ),
    )


def read_fields(body, *, name="", email="", url=""):
    text = normalise(body)
    words = set(WORD_RE.findall(text))
    stock = not STOCK_GATES.isdisjoint(words)
    # A handle's words run together ("korban_pinjol_bogor") are read as words.
    name = HANDLE_SEP_RE.sub(" ", name)
    reading = Reading(
        body=text,
        plain_words=STOCK_RE.sub(" ", text) if stock else text,
        name=normalise_field(name),
    )
    if email and "@" in email:
        reading.email_domain = email.rsplit("@", 1)[1].strip().lower()
        reading.webmail = reading.email_domain in WEBMAIL
    hosts = [host_of(link) for link in links_in(body)]
    if TLD_GATE_RE.search(text):
        hosts += [match.group(0) for match in BARE_HOST_RE.finditer(text)]
        short = [host_of(match.group(0)) for match in SHORTENER_RE.finditer(text)]
        if short:
            reading.shortener = True
            hosts += short
    body_hosts = {host.removeprefix("www.") for host in hosts}
    if url:
        reading.website_host = host_of(url)
        reading.website_words = host_words(reading.website_host)
        hosts.append(reading.website_host)
    seen = set()
    for host in hosts:
        host = host.removeprefix("www.")
        if not host or host in seen:
            continue
        seen.add(host)
        if is_source(host):
            reading.official_hosts.append(host)
        else:
            reading.hosts.append(host)
            if host in body_hosts:
                reading.body_hosts.append(host)
    for host in [*reading.hosts, *([reading.website_host] if url else [])]:
        if host in SHORTENERS:
            reading.shortener = True
        imitation = lookalike(host)
        if imitation and imitation not in reading.lookalikes:
            reading.lookalikes.append(imitation)
    everywhere = f"{text} {reading.name} {(url or '').lower()}"
    if DIGIT_RE.search(everywhere):
        reading.phone = bool(PHONE_RE.search(everywhere))
    gated = not MESSENGER_GATES.isdisjoint(words) or ".me" in everywhere or "@" in everywhere
    if gated or not MESSENGER_GATES.isdisjoint(reading.name.split()):
        reading.messenger = bool(MESSENGER_RE.search(everywhere))
    # The text as written (width and case folded, spacing evened out, invisible characters
    # kept): what a filter without normalising would read. Where it equals `text`,
    # nothing was disguised.
    plain = SPACE_RE.sub(" ", unicodedata.normalize("NFKC", body).casefold()).strip()
    for kind, pattern in PITCH_RES.items():
        gate_words, gate_parts = PITCH_GATES[kind]
        if gate_words.isdisjoint(words) and not any(part in text for part in gate_parts):
            continue
        found = pattern.search(text)
        if found:
            reading.pitches[kind] = found.group(0).strip()
            if (text != plain and not pattern.search(plain)) or MASKED_RE.search(found.group(0)):
                reading.disguised.append(f"'{found.group(0).strip()}'")
    if text != plain:
        plain_topics = set(TOPIC_RE.findall(plain))
        for word in dict.fromkeys(TOPIC_RE.findall(text)):
            if word not in plain_topics and len(reading.disguised) < 3:
                reading.disguised.append(f"'{word}'")
        for host in [*reading.hosts, *reading.official_hosts]:
            if host in body_hosts and host not in plain:
                reading.disguised.append(f"address {host}")
    _read_hidden_joins(reading, body, name)
    _read_email_contact(reading, text)
    if reading.phone or reading.messenger or reading.email_contact:
        ask = SALES_ASK_RE.search(text)
        reading.hotline = bool(HOTLINE_RE.search(text))
        if ask and not reading.hotline:
            reading.sales_ask = ask.group(0)
            if not reading.pitches:
                reading.pitches["sales"] = f"{ask.group(0)} … with a contact"
    if "phishing" not in reading.pitches and reading.body_hosts:
        action = LURE_ACTION_RE.search(text)
        if action and LURE_PRESSURE_RE.search(text):
            reading.pitches["phishing"] = f"{action.group(0)} … at {reading.body_hosts[0]}"
    reading.lure = "phishing" in reading.pitches
    if reading.lookalikes and not reading.lure:
        reading.pitches["phishing"] = f"look-alike address ({reading.lookalikes[0]})"
    if not WARNING_GATES.isdisjoint(words):
        reading.warning = bool(WARNING_RE.search(text))
    if "referral" in reading.pitches:
        reading.code = bool(CODE_RE.search(body))
    website = "".join(reading.website_words)
    local, mailbox_domain = "", ""
    if "@" in email:
        reading.mailbox_words = host_words(email.rsplit("@", 1)[0])
        local = "".join(reading.mailbox_words)
        if not reading.webmail and not is_official(reading.email_domain):
            mailbox_domain = "".join(host_words(site_label(reading.email_domain)[0]))
    if reading.website_host in MESSENGER_HOSTS:
        reading.field_topics.append(("website", "messenger link"))
    name_words = WORD_RE.findall(reading.name)
    reading.name_words = len(name_words)
    advertised = reading.name
    if _stance_handle(name_words):
        # "Anti Judi Online": "online" is part of the problem's name, not an advert word.
        advertised = ISSUE_ONLINE_RE.sub(r"\1", advertised)
    reading.name_advert = list(dict.fromkeys(NAME_ADVERT_RE.findall(advertised)))[:4]
    checks = (
        ("name", reading.name, NAME_TOPICS_RE),
        ("website", website, ADDRESS_TOPICS_RE),
        ("email", local, MAILBOX_TOPICS_RE),
        ("email", mailbox_domain, ADDRESS_TOPICS_RE),
    )
    for label, value, pattern in checks:
        found = pattern.search(value) if value else None
        if found:
            reading.field_topics.append((label, found.group(0)))
            if label == "name" and not pattern.search(fold(name)):
                reading.disguised.append(f"'{found.group(0)}' in name")
        elif label == "name" and PHONE_RE.search(value):
            reading.field_topics.append((label, "phone number"))
        elif label == "name" and len(reading.name_advert) >= 2:
            reading.field_topics.append((label, " ".join(reading.name_advert)))
    for label, value in (("name", reading.name), ("website", " ".join(reading.website_words))):
        found = _field_pitch(value)
        if found and not reading.field_pitch:
            kind, said = found
            reading.field_pitch = f"{kind} '{said}' in {label}"
            if not any(where == label for where, _word in reading.field_topics):
                reading.field_topics.append((label, said))
    _read_linked_sites(reading, email)
    if reading.field_topics:
        reading.advert = fields_advertise(reading, website)
    if nickname_only(reading):
        _drop_nickname_pitches(reading)
    return reading


def _read_hidden_joins(reading, body, name):
    """Letters cut apart by invisible characters, in the body or the name: more than
    HIDDEN_JOINS_DISGUISE of them are a disguise, whatever the words say."""
    reading.hidden_joins = len(HIDDEN_JOIN_RE.findall(body)) + len(HIDDEN_JOIN_RE.findall(name))
    if reading.hidden_joins > HIDDEN_JOINS_DISGUISE:
        reading.disguised.insert(0, f"{reading.hidden_joins} letters split by invisible characters")


def _read_email_contact(reading, text):
    """An email address in the text, not a public body's: how a lender's "testimony" or a
    recovery service asks to be reached."""
    reading.email_contact = "@" in text and any(
        not is_official(found.group(1)) for found in EMAIL_IN_TEXT_RE.finditer(text)
    )


def _read_linked_sites(reading, email):
    """What the sites linked in the text are named for, and whether one is the
    commenter's own: a link to "pgsoft-resmi.online" advertises as a website field of that
    name would, and one to the site in the commenter's own website field or mail domain
    is a business advertising itself."""
    own = {reading.website_host.removeprefix("www.")} - {""}
    if reading.email_domain and not reading.webmail:
        own.add(reading.email_domain)
    reading.own_link = any(
        host == site or host.endswith("." + site) or site.endswith("." + host)
        for host in reading.body_hosts
        for site in own
    )
    for host in reading.body_hosts:
        if host in SHORTENERS or host in MESSENGER_HOSTS:
            continue
        words = "".join(host_words(host))
        topics = list(dict.fromkeys(ADDRESS_TOPICS_RE.findall(words)))
        for word in topics:
            if ("link", word) not in reading.field_topics:
                reading.field_topics.append(("link", word))
        if not reading.warning and (len(topics) >= 2 or WEBSITE_STRONG_RE.search(words)):
            reading.field_pitch = reading.field_pitch or f"link to {host}"


def _drop_nickname_pitches(reading):
    """A reader called "Wayan Gacor" who writes "Wayan Gacor di sini" names themself, not
    a pitch: a pitch that is only the name's nickname word is not one."""
    nickname = set(WORD_RE.findall(reading.name))
    for kind, said in list(reading.pitches.items()):
        if said in nickname:
            del reading.pitches[kind]
            reading.disguised = [found for found in reading.disguised if found != f"'{said}'"]
    reading.lure = "phishing" in reading.pitches


# A name or a website's words come again with each of their author's comments.
@functools.lru_cache(maxsize=FIELDS_KEPT)
def _field_pitch(value):
    """(kind, phrase) of the first pitch of FIELD_PITCH_KINDS in a name or website's words.
    Phrases only: one word ("Gacor", "Jackpot") may be a nickname (see nickname_only)."""
    if not value:
        return None
    for kind in FIELD_PITCH_KINDS:
        for found in PITCH_RES[kind].finditer(value):
            said = found.group(0).strip()
            if " " in said:
                return kind, said
    return None
