"""Demo content for a fresh Kabar site: sections, original articles, authors, images and
reader discussions, loaded idempotently through Wagtail's and the discussion app's own APIs."""

import random
from datetime import timedelta
from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status

from .models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    Discussion,
    HomePage,
    HomeTopStory,
    SectionPage,
)

LEAD_SIZE = (1200, 675)
PHOTO_SIZE = (400, 400)
IMAGE_CREDIT = "Ilustrasi Kabar"
# Hours between consecutive demo articles: sixteen of them span about ten days.
PUBLISH_STEP_HOURS = 15

HOME = {
    "slug": "beranda",
    "title": "Kabar",
    "intro": "Berita independen dari Indonesia dan dunia, dengan ruang diskusi untuk pembaca.",
}

SECTIONS = [
    {
        "slug": "kabar-internasional",
        "title": "Kabar Internasional",
        "intro": "Laporan dari luar negeri yang penting bagi pembaca di Indonesia.",
    },
    {
        "slug": "nasional",
        "title": "Nasional",
        "intro": "Peristiwa dan kebijakan dari seluruh Nusantara.",
    },
    {
        "slug": "ekonomi",
        "title": "Ekonomi",
        "intro": "Harga, pekerjaan, usaha kecil dan arah ekonomi sehari-hari.",
    },
    {
        "slug": "teknologi",
        "title": "Teknologi",
        "intro": "Teknologi yang mengubah cara kita bekerja, belajar dan menjaga data pribadi.",
    },
]

PALETTES = {
    "ocean": ((12, 52, 97), (86, 180, 201), (240, 248, 250)),
    "dusk": ((58, 28, 88), (236, 124, 82), (255, 226, 180)),
    "earth": ((71, 45, 28), (196, 140, 72), (244, 226, 190)),
    "forest": ((18, 60, 42), (108, 170, 98), (226, 240, 200)),
    "city": ((32, 36, 48), (120, 132, 156), (236, 238, 244)),
    "sand": ((120, 82, 40), (232, 196, 120), (252, 244, 220)),
    "night": ((8, 14, 40), (62, 82, 160), (200, 210, 255)),
    "rose": ((90, 20, 48), (214, 96, 120), (252, 222, 228)),
}

AUTHORS = [
    {
        "slug": "rahmi-kusumawardani",
        "name": "Rahmi Kusumawardani",
        "job_title": "Redaktur Internasional",
        "bio": (
            "Rahmi meliput diplomasi iklim dan krisis kemanusiaan sejak 2012. Sebelum "
            "bergabung dengan Kabar, ia bekerja sebagai koresponden di Bangkok dan Nairobi."
        ),
        "palette": "dusk",
    },
    {
        "slug": "nadia-siregar",
        "name": "Nadia Lestari Siregar",
        "job_title": "Koresponden Jakarta",
        "bio": (
            "Nadia menulis tentang kota, pendidikan dan hukum. Ia lulusan ilmu komunikasi "
            "dan pernah menjadi guru di sebuah sekolah dasar di pesisir Sumatra Utara."
        ),
        "palette": "rose",
    },
    {
        "slug": "yohanes-bere",
        "name": "Yohanes Bere",
        "job_title": "Koresponden Nusa Tenggara",
        "bio": (
            "Yohanes berbasis di Kupang dan meliput Nusa Tenggara, dari pariwisata hingga "
            "ketahanan pangan di desa-desa kering."
        ),
        "palette": "sand",
    },
    {
        "slug": "dimas-prasetyo",
        "name": "Dimas Prasetyo",
        "job_title": "Wartawan Ekonomi",
        "bio": (
            "Dimas mengikuti harga pangan, usaha mikro dan pembayaran digital. Ia gemar "
            "menghitung ulang angka yang dikutip pejabat."
        ),
        "palette": "earth",
    },
    {
        "slug": "made-pradnyani",
        "name": "Ni Made Ayu Pradnyani",
        "job_title": "Penulis Teknologi",
        "bio": (
            "Made menulis tentang keamanan siber, privasi dan teknologi untuk pelestarian "
            "budaya. Ia tinggal di Denpasar."
        ),
        "palette": "night",
    },
    {
        "slug": "hannah-okafor",
        "name": "Hannah Okafor",
        "job_title": "Editor, English Desk",
        "bio": (
            "Hannah edits Kabar's English-language reporting and covers trade, shipping and "
            "agriculture. She previously worked for regional newspapers in West Africa."
        ),
        "palette": "ocean",
    },
]

BODY_IMAGES = {
    "pasifik-atol": {"label": "Atol di Pasifik", "palette": "ocean"},
    "demak-kelas": {"label": "Kelas di atas panggung", "palette": "sand"},
    "sensor-udara": {"label": "Sensor udara rakitan", "palette": "city"},
    "teh-pengering": {"label": "Solar tea dryer", "palette": "forest"},
    "lontar-pemindai": {"label": "Pemindai lontar", "palette": "earth"},
    "cabai-pasar": {"label": "Lapak cabai", "palette": "rose"},
}


def _p(*paragraphs):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]


def _quote(quote, attribution):
    return [{"type": "quote", "value": {"quote": quote, "attribution": attribution}}]


def _image(key, caption):
    return [{"type": "image", "value": {"key": key, "caption": caption, "credit": IMAGE_CREDIT}}]


# Newest first: the order here is the order of publication times, most recent at the top.
ARTICLES = [
    {
        "slug": "negara-pasifik-desak-dana-adaptasi-iklim",
        "section": "kabar-internasional",
        "title": "Negara Kepulauan Pasifik Desak Dana Adaptasi Iklim Dicairkan Lebih Cepat",
        "standfirst": (
            "Di pertemuan regional di Suva, para perunding mengatakan proyek tanggul laut dan "
            "relokasi desa tertahan bertahun-tahun oleh prosedur pencairan yang berbelit."
        ),
        "dateline": "SUVA",
        "source_credit": "AFP",
        "authors": ["rahmi-kusumawardani"],
        "tags": ["iklim", "pasifik", "diplomasi"],
        "lead": {
            "label": "Pasifik menunggu dana",
            "palette": "ocean",
            "caption": "Ilustrasi: air pasang mendekati permukiman di sebuah pulau karang.",
        },
        "body": [
            *_p(
                "Negara-negara kepulauan kecil di Pasifik menuntut agar dana adaptasi iklim yang "
                "sudah dijanjikan negara-negara maju dicairkan lebih cepat dan dengan syarat "
                "yang lebih sederhana. Tuntutan itu disampaikan dalam pertemuan pejabat tinggi "
                "yang berakhir di Suva, Fiji, pada Kamis.",
                "Menurut dokumen hasil pertemuan, sejumlah proyek yang disetujui sejak tiga "
                "tahun lalu, mulai dari tanggul pantai, tangki penampung air hujan, hingga "
                "pemindahan permukiman ke dataran yang lebih tinggi, belum menerima dana tahap "
                "pertama. Penyebabnya, kata para delegasi, adalah persyaratan administrasi yang "
                "dirancang untuk negara dengan birokrasi jauh lebih besar.",
            ),
            *_quote(
                "Kami diminta menyusun studi kelayakan setebal ratusan halaman untuk membangun "
                "tembok laut sepanjang dua kilometer. Sementara itu, air pasang sudah masuk ke "
                "halaman sekolah.",
                "Losana Vakaloloma, perunding kelompok negara kepulauan kecil",
            ),
            *_p(
                "Para perunding mengusulkan mekanisme <i>akses langsung</i>: dana disalurkan ke "
                "lembaga nasional atau pemerintah desa yang telah diakreditasi, bukan melalui "
                "lembaga perantara internasional. Usulan serupa pernah diajukan sebelumnya, "
                "tetapi kali ini didukung seluruh negara peserta.",
            ),
            *_image("pasifik-atol", "Ilustrasi: garis pantai yang terkikis di sebuah atol."),
            *_p(
                "Pertemuan Suva juga membahas data baru dari jaringan stasiun pengukur pasang "
                "surut di kawasan itu. Data tersebut menunjukkan kenaikan muka laut di beberapa "
                "titik berlangsung lebih cepat daripada rata-rata global, sehingga waktu untuk "
                "beradaptasi kian sempit.",
                "Hasil pertemuan akan dibawa ke perundingan iklim tingkat menteri akhir tahun "
                "ini. Sejumlah delegasi mengatakan mereka akan menjadikan kecepatan pencairan "
                "sebagai ukuran utama keberhasilan, bukan sekadar besarnya janji pendanaan baru.",
            ),
        ],
    },
    {
        "slug": "sekolah-pesisir-demak-pindah-gedung-panggung",
        "section": "nasional",
        "title": "Rob Makin Sering, Sekolah di Pesisir Demak Pindah ke Gedung Panggung",
        "standfirst": (
            "Murid sebuah sekolah dasar di pesisir utara Jawa kini belajar di ruang kelas dua "
            "meter di atas tanah. Guru mengatakan jumlah hari belajar yang hilang turun drastis."
        ),
        "dateline": "DEMAK",
        "authors": ["nadia-siregar"],
        "tags": ["pendidikan", "rob", "jawa tengah", "perubahan iklim"],
        "lead": {
            "label": "Sekolah di atas air",
            "palette": "sand",
            "caption": "Ilustrasi: gedung sekolah bertiang beton di tepi tambak yang tergenang.",
        },
        "body": [
            *_p(
                "Sejak awal semester ini, 146 murid SD Negeri Sidorejo Pantai di Kecamatan "
                "Sayung, Kabupaten Demak, Jawa Tengah, belajar di gedung baru yang berdiri di "
                "atas tiang beton setinggi dua meter. Gedung lama mereka, sekitar 300 meter dari "
                "garis pantai, kini terendam rob hampir setiap pekan.",
                "Kepala sekolah, Sri Handayani, mengatakan dalam tiga tahun terakhir sekolah "
                "harus meliburkan murid rata-rata 40 hari per tahun karena air laut masuk ke "
                "ruang kelas. Semester lalu, angka itu turun menjadi empat hari, dan penyebabnya "
                "jalan desa yang tergenang, bukan kelasnya.",
            ),
            *_quote(
                "Anak-anak sekarang tidak perlu lagi menggulung celana sebelum masuk kelas. "
                "Kedengarannya sepele, tapi itu yang membuat mereka mau datang.",
                "Sri Handayani, kepala SD Negeri Sidorejo Pantai",
            ),
            *_p(
                "Gedung panggung itu dibangun dengan dana gabungan pemerintah kabupaten dan "
                "sumbangan alumni. Lantai bawahnya dibiarkan terbuka sehingga air bisa mengalir "
                "tanpa merusak struktur, sementara ruang kelas dicapai lewat tangga dan jalur "
                "landai untuk murid berkebutuhan khusus.",
            ),
            *_image("demak-kelas", "Ilustrasi: ruang kelas di lantai atas gedung panggung."),
            *_p(
                "Para ahli mengingatkan bahwa bangunan panggung hanya solusi jangka pendek. "
                "Penurunan muka tanah di pesisir utara Jawa, yang di beberapa titik melebihi "
                "sepuluh sentimeter per tahun, membuat genangan terus meluas ke arah darat.",
                "Pemerintah kabupaten menyatakan tengah menyusun peta sekolah yang berisiko "
                "terdampak rob dalam sepuluh tahun ke depan. Menurut dinas pendidikan setempat, "
                "sedikitnya 23 sekolah di empat kecamatan pesisir masuk kategori rawan.",
            ),
        ],
    },
    {
        "slug": "startup-bandung-sensor-kualitas-udara-sekolah",
        "section": "teknologi",
        "title": "Startup Bandung Rakit Sensor Murah untuk Pantau Udara di Sekolah",
        "standfirst": (
            "Dengan komponen di bawah Rp1 juta per unit, perangkat buatan sekelompok alumni "
            "teknik fisika itu kini terpasang di 60 sekolah. Datanya terbuka untuk umum."
        ),
        "dateline": "BANDUNG",
        "authors": ["made-pradnyani", "nadia-siregar"],
        "tags": ["kualitas udara", "startup", "sensor"],
        "lead": {
            "label": "Mengukur udara kelas",
            "palette": "city",
            "caption": "Ilustrasi: sensor kualitas udara terpasang di dinding ruang kelas.",
        },
        "body": [
            *_p(
                "Sebuah perusahaan rintisan di Bandung, Hawa Lab, memasang sensor kualitas udara "
                "rakitan sendiri di 60 sekolah di Jawa Barat. Setiap perangkat mengukur partikel "
                "halus PM2,5, kadar karbon dioksida, suhu dan kelembapan, lalu mengirim data "
                "setiap lima menit ke peta yang dapat diakses siapa saja.",
                "Menurut salah satu pendiri Hawa Lab, Raka Mahendra, biaya komponen setiap unit "
                "kurang dari Rp1 juta, sekitar sepersepuluh harga alat pemantau komersial. "
                "Akurasinya memang lebih rendah, tetapi cukup untuk melihat pola.",
            ),
            *_image("sensor-udara", "Ilustrasi: papan sirkuit dan kipas kecil sebuah sensor."),
            *_quote(
                "Kami tidak bersaing dengan stasiun pemantau resmi. Kami ingin guru tahu kapan "
                "jendela harus dibuka dan kapan justru harus ditutup.",
                "Raka Mahendra, salah satu pendiri Hawa Lab",
            ),
            *_p(
                "Data dari tiga bulan pertama menunjukkan kadar karbon dioksida di banyak ruang "
                "kelas melonjak setelah jam istirahat, ketika pintu ditutup dan kipas angin "
                "dimatikan. Beberapa sekolah kini menjadwalkan ventilasi silang setiap pergantian "
                "pelajaran.",
                "Para peneliti kesehatan lingkungan menyambut baik data terbuka itu, tetapi "
                "mengingatkan bahwa sensor murah perlu dikalibrasi berkala terhadap alat "
                "referensi agar tidak menimbulkan kepanikan yang tidak perlu.",
            ),
        ],
    },
    {
        "slug": "kenyan-tea-growers-turn-to-solar-dryers",
        "section": "kabar-internasional",
        "language": "en",
        "title": "Kenyan tea growers turn to solar dryers as fuel costs bite",
        "standfirst": (
            "Smallholder co-operatives in the western highlands say the switch has cut "
            "processing costs by nearly a third, though the upfront price remains out of reach "
            "for many."
        ),
        "dateline": "KERICHO",
        "source_credit": "Reuters",
        "authors": ["hannah-okafor"],
        "tags": ["kenya", "agriculture", "energy"],
        "lead": {
            "label": "Tea under the sun",
            "palette": "forest",
            "caption": "Illustration: terraced tea gardens in Kenya's western highlands.",
        },
        "body": [
            *_p(
                "Tea co-operatives in Kenya's western highlands are replacing diesel-fired "
                "dryers with solar-heated drying tunnels, as rising fuel prices squeeze the "
                "margins of the smallholders who grow most of the country's tea.",
                "Five co-operatives around Kericho have installed the tunnels over the past 18 "
                "months, according to the growers' association. Members say fuel and "
                "maintenance savings have lowered processing costs by close to 30 percent.",
            ),
            *_quote(
                "We used to spend the first week of every month's earnings on diesel. Now the "
                "sun does most of the work, and the fans run on a small battery bank.",
                "Ruth Chepkoech, chair of a growers' co-operative near Kericho",
            ),
            *_image("teh-pengering", "Illustration: a polytunnel dryer beside a tea nursery."),
            *_p(
                "The systems are not cheap. A tunnel large enough for a mid-sized co-operative "
                "costs about as much as two years of diesel, and most groups have relied on "
                "concessional loans or grants to pay for them.",
                "Buyers at the weekly auction in Mombasa have so far reported no difference in "
                "quality, growers said, although slower drying on cloudy days means some "
                "co-operatives keep a backup burner for the long rains.",
            ),
        ],
    },
    {
        "slug": "pedagang-pasar-terima-pembayaran-qr",
        "section": "ekonomi",
        "title": "Pedagang Pasar Mulai Terima Pembayaran QR, tapi Uang Tunai Masih Raja",
        "standfirst": (
            "Survei kecil di tiga pasar tradisional Yogyakarta menemukan hampir semua pedagang "
            "kini memajang kode QR. Hanya sedikit pembeli yang memakainya."
        ),
        "dateline": "YOGYAKARTA",
        "authors": ["dimas-prasetyo"],
        "tags": ["pembayaran digital", "umkm", "pasar tradisional"],
        "featured": True,
        "lead": {
            "label": "QR di lapak sayur",
            "palette": "earth",
            "caption": "Ilustrasi: kode QR tergantung di samping timbangan pedagang sayur.",
        },
        "body": [
            *_p(
                "Di lapak-lapak sayur, bumbu dan daging di tiga pasar tradisional Kota "
                "Yogyakarta, kode QR kini hampir selalu tergantung di samping timbangan. Namun "
                "survei kelompok peneliti ekonomi sebuah universitas setempat menunjukkan hanya "
                "sekitar satu dari tujuh transaksi dibayar dengan memindai kode itu.",
                "Dari 210 pedagang yang diwawancarai, 188 mengaku memiliki kode QR pembayaran. "
                "Sebagian besar mendaftar karena didatangi petugas bank atau ditawari oleh "
                "pengelola pasar, bukan karena permintaan pembeli.",
            ),
            *_quote(
                "Yang bayar pakai QR biasanya anak muda yang belanja sedikit. Ibu-ibu langganan "
                "saya tetap bawa dompet, dan saya juga lebih tenang kalau uangnya kelihatan.",
                "Suparmi, pedagang sayur",
            ),
            *_p(
                "Pedagang menyebut tiga alasan utama tetap memilih tunai: sinyal yang tidak "
                "stabil di dalam los pasar, kebutuhan uang tunai untuk kulakan keesokan "
                "paginya, dan kekhawatiran soal potongan biaya transaksi.",
                "Para peneliti menyarankan agar sosialisasi tidak berhenti pada pemasangan kode. "
                "Menurut mereka, pedagang perlu tahu bahwa riwayat transaksi digital dapat "
                "menjadi bukti usaha ketika mengajukan kredit, manfaat yang selama ini jarang "
                "dijelaskan.",
            ),
        ],
    },
    {
        "slug": "banjir-lembah-shabelle-ribuan-warga-mengungsi",
        "section": "kabar-internasional",
        "title": "Banjir Musiman di Lembah Shabelle Paksa Ribuan Warga Mengungsi",
        "standfirst": (
            "Hujan deras di dataran tinggi membuat sungai meluap lebih awal dari biasanya. "
            "Lembaga bantuan mengatakan stok tenda dan tablet penjernih air menipis."
        ),
        "dateline": "NAIROBI",
        "source_credit": "Reuters",
        "authors": ["rahmi-kusumawardani"],
        "tags": ["banjir", "afrika timur", "kemanusiaan"],
        "featured": True,
        "lead": {
            "label": "Sungai yang meluap",
            "palette": "dusk",
            "caption": "Ilustrasi: ladang dan jalan tanah terendam di tepi sungai yang meluap.",
        },
        "body": [
            *_p(
                "Ribuan keluarga di lembah Sungai Shabelle di Somalia terpaksa meninggalkan rumah "
                "mereka setelah sungai meluap akibat hujan lebat di dataran tinggi Etiopia, kata "
                "lembaga-lembaga bantuan yang berkantor di Nairobi pada Selasa.",
                "Banjir datang hampir tiga minggu lebih awal dari pola biasanya, ketika banyak "
                "petani baru saja menanam jagung dan sorgum. Sejumlah tanggul tanah yang dibangun "
                "warga jebol dalam semalam.",
            ),
            *_quote(
                "Orang-orang pergi hanya dengan apa yang bisa mereka bawa. Yang paling mendesak "
                "sekarang adalah air bersih, karena sumur-sumur dangkal sudah tercemar.",
                "Abdirahman Yusuf Warsame, koordinator lapangan sebuah organisasi bantuan",
            ),
            *_p(
                "Lembaga bantuan memperingatkan risiko wabah diare dan kolera di kamp-kamp "
                "pengungsian sementara. Stok tablet penjernih air dan tenda di gudang regional "
                "disebut hanya cukup untuk dua minggu ke depan.",
                "Prakiraan cuaca menunjukkan hujan di hulu masih akan berlangsung setidaknya "
                "sepekan lagi. Pemerintah daerah meminta warga di desa-desa hilir untuk bersiap "
                "mengungsi ke tempat yang lebih tinggi.",
            ),
        ],
    },
    {
        "slug": "kemarau-lebih-panjang-petani-atur-pola-tanam",
        "section": "nasional",
        "title": "Kemarau Diprediksi Lebih Panjang, Petani Diminta Atur Ulang Pola Tanam",
        "standfirst": (
            "Para ahli iklim memperkirakan musim kemarau tahun ini mundur berakhirnya hingga "
            "tiga dasarian di sebagian Jawa dan Nusa Tenggara."
        ),
        "dateline": "JAKARTA",
        "authors": ["nadia-siregar", "yohanes-bere"],
        "tags": ["cuaca", "pertanian", "kemarau"],
        "featured": True,
        "lead": {
            "label": "Sawah menunggu hujan",
            "palette": "sand",
            "caption": "Ilustrasi: petak sawah yang retak menjelang akhir musim kemarau.",
        },
        "body": [
            *_p(
                "Musim kemarau di sebagian besar Jawa dan Nusa Tenggara diperkirakan berakhir "
                "lebih lambat daripada biasanya. Prakiraan musim terbaru menunjukkan awal musim "
                "hujan di banyak daerah mundur hingga tiga dasarian, atau sekitar satu bulan.",
                "Kondisi itu berisiko bagi petani yang biasa menyemai padi begitu hujan pertama "
                "turun. Jika hujan berhenti lagi setelah beberapa hari, bibit yang baru ditanam "
                "bisa mati kekeringan.",
            ),
            *_quote(
                "Hujan pertama belum tentu tanda musim hujan sudah mulai. Kami menyarankan "
                "petani menunggu hingga curah hujan stabil dua sampai tiga dasarian.",
                "Arif Nugroho, klimatolog di sebuah lembaga riset iklim",
            ),
            *_p(
                "Dinas pertanian di sejumlah kabupaten mulai mendorong penanaman palawija "
                "berumur pendek, seperti kacang hijau, sebagai jeda sebelum padi. Di Nusa "
                "Tenggara Timur, kelompok tani menyiapkan embung dan pompa bergilir.",
                "Pemerintah daerah juga diminta memperbarui kalender tanam dan menyampaikannya "
                "lewat penyuluh, bukan hanya melalui situs web yang jarang dibuka petani.",
            ),
        ],
    },
    {
        "slug": "kebocoran-data-aplikasi-parkir-langkah-pengguna",
        "section": "teknologi",
        "title": "Data Pengguna Aplikasi Parkir Bocor: Ini yang Perlu Dilakukan",
        "standfirst": (
            "Nama, nomor telepon dan pelat kendaraan jutaan pengguna beredar di forum daring. "
            "Pakar keamanan menyarankan beberapa langkah sederhana untuk membatasi dampaknya."
        ),
        "dateline": "JAKARTA",
        "authors": ["made-pradnyani"],
        "tags": ["keamanan siber", "privasi", "data pribadi"],
        "featured": True,
        "lead": {
            "label": "Data yang bocor",
            "palette": "night",
            "caption": "Ilustrasi: deretan data pengguna yang tersebar di layar.",
        },
        "body": [
            *_p(
                "Basis data berisi nama, nomor telepon, alamat surel dan nomor pelat kendaraan "
                "yang diduga milik pengguna sebuah aplikasi parkir swasta beredar di forum "
                "daring sejak akhir pekan. Operator aplikasi menyatakan sedang menyelidiki dan "
                "telah melapor kepada otoritas pelindungan data.",
                "Menurut operator, kata sandi tersimpan dalam bentuk yang telah di-<i>hash</i> "
                "dan data kartu pembayaran tidak ikut bocor. Meski begitu, pakar keamanan "
                "menilai data yang tersebar sudah cukup untuk penipuan yang meyakinkan.",
            ),
            *_quote(
                "Penipu tidak butuh kata sandi Anda jika mereka tahu nama, nomor telepon dan "
                "mobil Anda. Itu bahan yang cukup untuk pesan palsu yang sangat meyakinkan.",
                "Wulan Prameswari, peneliti keamanan siber",
            ),
            *_p(
                "Berikut langkah yang disarankan bagi pengguna:",
            ),
            {
                "type": "paragraph",
                "value": (
                    "<ul><li>Ganti kata sandi aplikasi, dan kata sandi lain yang sama.</li>"
                    "<li>Aktifkan verifikasi dua langkah jika tersedia.</li>"
                    "<li>Waspadai pesan yang menyebut pelat kendaraan Anda dan meminta "
                    "pembayaran denda lewat tautan.</li>"
                    "<li>Jangan pernah memberikan kode OTP kepada siapa pun.</li></ul>"
                ),
            },
            *_p(
                "Kasus ini kembali memunculkan pertanyaan soal berapa lama aplikasi boleh "
                "menyimpan riwayat parkir. Sejumlah pengguna mengatakan data mereka masih ada "
                "meskipun akun sudah lama tidak dipakai.",
            ),
        ],
    },
    {
        "slug": "shipping-talks-end-without-carbon-levy-deal",
        "section": "kabar-internasional",
        "language": "en",
        "title": "Shipping talks end without agreement on carbon levy",
        "standfirst": (
            "Delegates from more than 100 countries failed to settle how a global charge on "
            "ship emissions would be set and spent, pushing a decision into next year."
        ),
        "dateline": "LONDON",
        "source_credit": "Reuters",
        "authors": ["hannah-okafor", "rahmi-kusumawardani"],
        "tags": ["shipping", "climate", "trade"],
        "lead": {
            "label": "A levy adrift",
            "palette": "ocean",
            "caption": "Illustration: container ships waiting at anchor outside a busy port.",
        },
        "body": [
            *_p(
                "Week-long talks at a United Nations maritime committee ended on Friday without "
                "agreement on a global levy on greenhouse gas emissions from shipping, leaving "
                "the industry's plans to decarbonise without a clear price signal.",
                "Most delegations backed a charge in principle. The disagreements were over its "
                "level, whether it should rise over time, and how much of the revenue should be "
                "returned to developing countries whose trade depends on long sea routes.",
            ),
            *_quote(
                "Everyone in the room accepts that shipping has to pay for its emissions. What "
                "we cannot yet agree on is who gets the bill and who gets the cheque.",
                "Marisol Achterberg, a delegate from a European coastal state",
            ),
            *_p(
                "Small island states and several Latin American delegations warned that a flat "
                "levy would raise import costs for remote economies, and called for an explicit "
                "share of revenue to fund port upgrades and cleaner fuels at home.",
                "Shipowners' groups said they were disappointed by the delay. A decision is now "
                "expected at the committee's next session, which would push any charge back by "
                "at least a year.",
            ),
        ],
    },
    {
        "slug": "harga-cabai-melonjak-operasi-pasar-surabaya",
        "section": "ekonomi",
        "title": "Harga Cabai Melonjak Jelang Musim Hujan, Pemkot Gelar Operasi Pasar",
        "standfirst": (
            "Harga cabai rawit di pasar-pasar Surabaya naik hampir dua kali lipat dalam dua "
            "pekan. Pedagang menyebut pasokan dari sentra produksi berkurang."
        ),
        "dateline": "SURABAYA",
        "authors": ["dimas-prasetyo"],
        "tags": ["harga pangan", "inflasi", "jawa timur"],
        "lead": {
            "label": "Cabai kian pedas",
            "palette": "rose",
            "caption": "Ilustrasi: tumpukan cabai rawit merah di lapak pasar.",
        },
        "body": [
            *_p(
                "Harga cabai rawit di sejumlah pasar tradisional Surabaya mencapai Rp85.000 per "
                "kilogram pada Senin, naik dari sekitar Rp45.000 dua pekan sebelumnya. Cabai "
                "merah keriting juga naik, meski tidak setajam rawit.",
                "Pedagang menyebut pasokan dari sentra produksi di kabupaten-kabupaten sekitar "
                "berkurang karena banyak petani sudah membongkar tanaman menjelang musim hujan, "
                "ketika risiko busuk buah meningkat.",
            ),
            *_image("cabai-pasar", "Ilustrasi: pembeli memilih cabai di sebuah lapak."),
            *_quote(
                "Pembeli sekarang beli seperempat, bukan setengah kilo lagi. Warung makan "
                "langganan saya bahkan ganti sambal pakai cabai kering.",
                "Nur Aini, pedagang cabai",
            ),
            *_p(
                "Pemerintah kota menggelar operasi pasar di lima titik dengan harga Rp60.000 per "
                "kilogram, bekerja sama dengan badan usaha milik daerah yang membeli langsung "
                "dari kelompok tani.",
                "Ekonom mengingatkan bahwa cabai menyumbang besar pada inflasi bulanan meski "
                "porsinya kecil dalam belanja rumah tangga. Mereka menyarankan investasi gudang "
                "berpendingin dan pengeringan di tingkat petani agar lonjakan musiman dapat "
                "diredam.",
            ),
        ],
    },
    {
        "slug": "jalur-pendakian-rinjani-kuota-harian-baru",
        "section": "nasional",
        "title": "Jalur Pendakian Rinjani Dibuka Kembali dengan Kuota Harian Baru",
        "standfirst": (
            "Pengelola taman nasional membatasi jumlah pendaki per hari dan mewajibkan setiap "
            "rombongan membawa turun sampahnya, ditimbang di pos keluar."
        ),
        "dateline": "MATARAM",
        "authors": ["yohanes-bere"],
        "tags": ["pariwisata", "lingkungan", "nusa tenggara barat"],
        "lead": {
            "label": "Kembali ke Rinjani",
            "palette": "forest",
            "caption": "Ilustrasi: jalur pendakian berkelok menuju kaldera di pagi hari.",
        },
        "body": [
            *_p(
                "Jalur pendakian Gunung Rinjani di Lombok, Nusa Tenggara Barat, dibuka kembali "
                "pekan ini setelah ditutup tiga bulan untuk pemulihan ekosistem. Pengelola taman "
                "nasional memberlakukan kuota harian baru untuk setiap pintu masuk.",
                "Pendaki wajib memesan lewat sistem daring dan membawa turun seluruh sampahnya. "
                "Sampah akan ditimbang di pos keluar dan dibandingkan dengan daftar perbekalan "
                "yang dicatat saat naik.",
            ),
            *_quote(
                "Dulu pada akhir pekan panjang, perkemahan di tepi danau seperti pasar malam. "
                "Kami ingin orang tetap datang, tapi gunungnya juga perlu bernapas.",
                "Lalu Ahmad Fauzan, petugas pengelola taman nasional",
            ),
            *_p(
                "Pemandu dan porter lokal menyambut aturan itu dengan hati-hati. Mereka khawatir "
                "kuota akan mengurangi pendapatan, tetapi mengakui bahwa jalur yang rusak dan "
                "kotor juga membuat wisatawan enggan kembali.",
                "Pengelola berjanji mengevaluasi kuota setelah enam bulan, dengan melibatkan "
                "asosiasi pemandu dan pemerintah desa di sekitar kawasan.",
            ),
        ],
    },
    {
        "slug": "pengungsi-bencana-cuaca-capai-rekor",
        "section": "kabar-internasional",
        "title": "Laporan: Orang yang Mengungsi Akibat Bencana Cuaca Capai Rekor",
        "standfirst": (
            "Banjir, badai dan kekeringan memaksa lebih banyak orang meninggalkan rumah dalam "
            "setahun terakhir dibandingkan periode mana pun sejak pencatatan dimulai."
        ),
        "dateline": "JENEWA",
        "source_credit": "AFP",
        "authors": ["rahmi-kusumawardani"],
        "tags": ["pengungsi", "iklim", "kemanusiaan"],
        "lead": {
            "label": "Rumah yang ditinggalkan",
            "palette": "city",
            "caption": "Ilustrasi: tenda-tenda pengungsian berderet di lapangan terbuka.",
        },
        "body": [
            *_p(
                "Jumlah perpindahan penduduk di dalam negeri akibat bencana terkait cuaca "
                "mencapai rekor tahun lalu, menurut laporan tahunan sebuah pusat pemantau "
                "pengungsian yang berbasis di Jenewa dan dirilis pada Rabu.",
                "Laporan itu mencatat banjir sebagai penyebab terbesar, disusul badai tropis "
                "dan kekeringan. Asia Selatan dan Asia Tenggara menyumbang lebih dari separuh "
                "perpindahan, sebagian besar bersifat sementara.",
            ),
            *_quote(
                "Angka ini menghitung perpindahan, bukan orang. Satu keluarga bisa mengungsi "
                "tiga kali dalam setahun, dan setiap kali mereka kehilangan sedikit lebih "
                "banyak.",
                "Céline Marchetti, analis data pengungsian",
            ),
            *_p(
                "Para penyusun laporan menekankan bahwa sistem peringatan dini telah "
                "menyelamatkan banyak nyawa: sebagian besar perpindahan adalah evakuasi "
                "terencana sebelum badai datang, bukan pelarian setelah bencana terjadi.",
                "Namun mereka juga mencatat meningkatnya jumlah orang yang tidak dapat kembali "
                "ke rumah karena lahan mereka tenggelam, tergerus, atau tidak lagi bisa ditanami.",
            ),
        ],
    },
    {
        "slug": "aceh-coffee-growers-bet-on-direct-trade",
        "section": "ekonomi",
        "language": "en",
        "title": "Aceh's highland coffee growers bet on direct trade with small roasters",
        "standfirst": (
            "Co-operatives around Lake Laut Tawar are selling straight to independent roasters "
            "abroad, trading volume for higher and steadier prices."
        ),
        "dateline": "TAKENGON",
        "authors": ["hannah-okafor", "dimas-prasetyo"],
        "tags": ["coffee", "exports", "aceh"],
        "lead": {
            "label": "Highland arabica",
            "palette": "earth",
            "caption": "Illustration: coffee cherries drying on raised beds in the highlands.",
        },
        "body": [
            *_p(
                "In the hills around Takengon, arabica growers who once sold everything to "
                "exporters in Medan are shipping small lots straight to independent roasters in "
                "East Asia, Australia and Europe.",
                "The volumes are modest: a few containers a year across four co-operatives. But "
                "growers say prices agreed a season ahead have given them something the "
                "commodity market rarely does, namely a number they can plan around.",
            ),
            *_quote(
                "A roaster in Busan knows my name and the name of my hill. When the price in "
                "New York falls, he still pays what we agreed.",
                "Zulkifli Hasan Gayo, a grower and co-operative treasurer",
            ),
            *_p(
                "Direct trade brings its own costs. Co-operatives have had to invest in cupping "
                "labs, moisture meters and export paperwork, and a single rejected lot can wipe "
                "out a season's premium.",
                "Exporters argue that the bulk trade still absorbs most of the region's harvest "
                "and that the two models will coexist. Growers agree, but say the direct "
                "contracts have strengthened their hand when negotiating with bigger buyers.",
            ),
        ],
    },
    {
        "slug": "putusan-sengketa-lahan-sukamaju-ditunda",
        "section": "nasional",
        "title": "Pengadilan Tunda Putusan Sengketa Lahan Warga Sukamaju",
        "standfirst": (
            "Majelis hakim meminta pemeriksaan setempat atas batas lahan yang disengketakan "
            "warga dan sebuah pengembang perumahan. Putusan diperkirakan keluar bulan depan."
        ),
        "dateline": "BANDUNG",
        "authors": ["nadia-siregar"],
        "tags": ["hukum", "agraria", "jawa barat"],
        "discussion": Discussion.CLOSED,
        "lead": {
            "label": "Batas yang diperebutkan",
            "palette": "earth",
            "caption": "Ilustrasi: patok batas tanah di tepi kebun warga.",
        },
        "body": [
            *_p(
                "Pengadilan negeri menunda pembacaan putusan gugatan 37 keluarga Kampung "
                "Sukamaju terhadap sebuah pengembang perumahan. Majelis hakim memutuskan "
                "menggelar pemeriksaan setempat untuk mencocokkan batas lahan di lapangan "
                "dengan peta dalam sertifikat.",
                "Warga mengaku telah menggarap lahan seluas sekitar 12 hektare itu sejak "
                "1970-an dan membayar pajak bumi dan bangunan setiap tahun. Pengembang menyatakan "
                "memegang sertifikat hak guna bangunan yang terbit pada 1996.",
            ),
            *_quote(
                "Kami tidak menolak pembangunan. Kami hanya minta batasnya jelas, dan rumah yang "
                "sudah berdiri tiga generasi tidak dianggap tidak ada.",
                "Eneng Kurniasih, perwakilan warga",
            ),
            *_p(
                "Kuasa hukum pengembang mengatakan pihaknya menghormati keputusan majelis dan "
                "yakin pemeriksaan setempat akan menguatkan posisi kliennya.",
                "Kolom komentar untuk artikel ini ditutup karena perkara masih berjalan di "
                "pengadilan.",
            ),
        ],
    },
    {
        "slug": "perpustakaan-digitalisasi-naskah-lontar",
        "section": "teknologi",
        "title": "Pemindai Rakitan Pustakawan Bali Selamatkan Ribuan Lembar Lontar",
        "standfirst": (
            "Dengan kamera bekas, lampu LED dan dudukan dari kayu, tim kecil di Denpasar telah "
            "memotret lebih dari 9.000 lembar naskah daun lontar dalam setahun."
        ),
        "dateline": "DENPASAR",
        "authors": ["made-pradnyani"],
        "tags": ["digitalisasi", "naskah kuno", "bali"],
        "lead": {
            "label": "Lontar dalam piksel",
            "palette": "earth",
            "caption": "Ilustrasi: lembaran lontar bertulisan aksara Bali di bawah lampu.",
        },
        "body": [
            *_p(
                "Di sebuah ruangan di perpustakaan daerah di Denpasar, dua pustakawan dan tiga "
                "relawan mahasiswa memotret naskah lontar lembar demi lembar. Alat yang mereka "
                "pakai dirakit sendiri dari kamera bekas, dua lampu LED dan dudukan kayu "
                "berengsel.",
                "Dalam setahun, tim itu telah mendigitalkan lebih dari 9.000 lembar dari "
                "koleksi perpustakaan dan lontar milik keluarga-keluarga di desa, yang kemudian "
                "dikembalikan kepada pemiliknya bersama salinan digitalnya.",
            ),
            *_image("lontar-pemindai", "Ilustrasi: dudukan kamera di atas meja pemindaian."),
            *_quote(
                "Banyak keluarga menyimpan lontar di atas lemari dan tidak berani membukanya "
                "karena takut rusak. Setelah dipotret, cucunya bisa membaca dari ponsel.",
                "I Ketut Darmayasa, pustakawan",
            ),
            *_p(
                "Tantangan berikutnya adalah membuat isi naskah dapat dicari. Tim bekerja sama "
                "dengan penyuluh bahasa Bali untuk mentransliterasi judul dan kolofon, sementara "
                "sekelompok pengembang sukarela menguji pengenalan aksara otomatis.",
            ),
        ],
    },
    {
        "slug": "festival-film-bangkok-sutradara-perempuan",
        "section": "kabar-internasional",
        "title": "Festival Film Asia Tenggara di Bangkok Soroti Sutradara Perempuan",
        "standfirst": (
            "Lebih dari separuh film dalam kompetisi utama tahun ini disutradarai perempuan, "
            "termasuk dua debut dari Indonesia."
        ),
        "dateline": "BANGKOK",
        "authors": ["rahmi-kusumawardani"],
        "tags": ["film", "budaya", "asia tenggara"],
        "lead": {
            "label": "Layar Asia Tenggara",
            "palette": "night",
            "caption": "Ilustrasi: penonton di depan layar bioskop terbuka pada malam hari.",
        },
        "body": [
            *_p(
                "Festival film Asia Tenggara yang dibuka di Bangkok pekan ini menempatkan "
                "sutradara perempuan di pusat perhatian: tujuh dari dua belas film dalam "
                "kompetisi utama digarap oleh perempuan, rekor sejak festival pertama digelar.",
                "Dua di antaranya adalah debut dari Indonesia. <i>Garam di Ujung Lidah</i> "
                "mengikuti seorang petambak garam di Madura yang menolak menjual lahannya, "
                "sementara <i>Rumah Tanpa Jendela</i> berkisah tentang tiga saudari yang "
                "merawat ayah mereka di sebuah rumah susun di Jakarta.",
            ),
            *_quote(
                "Kami tidak memilih berdasarkan jenis kelamin. Kami memilih film terbaik, dan "
                "tahun ini film terbaik kebanyakan dibuat perempuan.",
                "Pimchanok Srisuk, direktur program festival",
            ),
            *_p(
                "Selain kompetisi, festival menggelar lokakarya penulisan skenario dan forum "
                "pendanaan bersama. Para produser mengatakan koproduksi lintas negara kian "
                "penting karena dana publik untuk film di kawasan ini masih terbatas.",
            ),
        ],
    },
]

TOP_STORIES = [
    "negara-pasifik-desak-dana-adaptasi-iklim",
    "sekolah-pesisir-demak-pindah-gedung-panggung",
    "startup-bandung-sensor-kualitas-udara-sekolah",
]

COMMENTERS = {
    "sari": CommentAuthor(name="Sari Wulandari", email="sari.wulandari@example.org"),
    "bayu": CommentAuthor(
        name="Bayu Aji Pratama", email="bayu.pratama@example.com", url="https://bayu.example.net"
    ),
    "maria": CommentAuthor(name="Maria Lumbantobing", email="maria.lumbantobing@example.org"),
    "rudi": CommentAuthor(name="Rudi Setiawan", email="rudi.setiawan@example.com"),
    "dewi": CommentAuthor(name="Dewi Kartikasari", email="dewi.kartika@example.org"),
    "agus": CommentAuthor(name="Agus Wicaksono", email="agus.wicaksono@example.com"),
    "peter": CommentAuthor(name="Peter Kiprono", email="peter.kiprono@example.com"),
    "laura": CommentAuthor(
        name="Laura Bennett", email="laura.bennett@example.net", url="https://laura.example.net"
    ),
    "joko": CommentAuthor(name="Joko Susilo", email="joko.susilo@example.net"),
}


def _c(by, body, *replies, pending=False):
    return {"by": by, "body": body, "replies": list(replies), "pending": pending}


THREADS = {
    "negara-pasifik-desak-dana-adaptasi-iklim": [
        _c(
            "bayu",
            "Ironis ya, negara yang paling sedikit menyumbang emisi justru paling sulit "
            "mengakses dananya. Semoga perundingan akhir tahun membahas akses, bukan cuma angka.",
            _c(
                "maria",
                "Setuju. Tapi bagaimana mekanisme akses langsung mencegah penyalahgunaan dana? "
                "Apakah sudah ada negara yang menerapkannya?",
                _c(
                    "bayu",
                    "Setahu saya beberapa dana iklim sudah punya jalur akreditasi untuk lembaga "
                    "nasional, jadi pengawasan tetap ada, hanya perantaranya dipangkas. "
                    "Masalahnya, akreditasinya sendiri bisa makan waktu bertahun-tahun.",
                    _c("maria", "Lingkaran setan, kalau begitu. Terima kasih penjelasannya."),
                ),
            ),
        ),
        _c(
            "sari",
            "Terima kasih untuk liputannya. Jarang ada media yang membahas Pasifik sedetail ini.",
        ),
    ],
    "sekolah-pesisir-demak-pindah-gedung-panggung": [
        _c(
            "rudi",
            "Saya lahir dan besar di Sayung. Dulu rob paling datang beberapa kali setahun, "
            "sekarang hampir tiap minggu. Salut untuk para guru yang tetap bertahan 👏🙏",
            _c(
                "sari",
                "Terima kasih sudah berbagi, Mas. Apakah keluarga masih tinggal di sana?",
                _c(
                    "rudi",
                    "Orang tua masih di sana. Rumahnya sudah ditinggikan dua kali; kalau "
                    "ditinggikan lagi, atapnya tinggal sejangkauan tangan.",
                ),
            ),
        ),
        _c(
            "dewi",
            "Gedung panggung bagus, tapi artikel ini benar: itu bukan solusi. Penurunan tanah "
            "harus ditangani dari akarnya, termasuk pengambilan air tanah.",
            _c(
                "bayu",
                "Betul. Di banyak tempat air perpipaan belum sampai, jadi warga dan pabrik tetap "
                "mengebor sumur. Solusinya harus paket lengkap.",
            ),
        ),
        _c(
            "joko",
            "Kenapa sekolahnya tidak sekalian direlokasi ke daerah yang lebih tinggi? Mohon "
            "redaksi menanyakan hal ini ke dinas pendidikan.",
            pending=True,
        ),
    ],
    "kenyan-tea-growers-turn-to-solar-dryers": [
        _c(
            "peter",
            "My uncle's co-operative in Nandi installed two of these dryers last year. The "
            "bigger problem was not the cost but finding technicians who could repair the fans.",
            _c(
                "laura",
                "Interesting. Did the supplier offer any maintenance training, or were they "
                "left on their own?",
                _c(
                    "peter",
                    "Some training at the start, but the trainer left after a month. They now "
                    "share one technician with three other co-operatives.",
                ),
            ),
        ),
        _c(
            "maria",
            "Would love a follow-up on what happens to auction prices if more growers switch.",
        ),
    ],
    "pedagang-pasar-terima-pembayaran-qr": [
        _c(
            "dewi",
            "Pengalaman saya sama: pedagang pasang QR, tapi begitu mau bayar, sinyalnya hilang. "
            "Akhirnya tetap tunai.",
            _c(
                "rudi",
                "Di pasar dekat rumah saya malah sebaliknya. Pedagang sayur lebih suka QR karena "
                "tidak perlu menyiapkan kembalian receh.",
                _c("dewi", "Menarik. Mungkin tergantung pasarnya juga, ya."),
            ),
        ),
        _c(
            "agus",
            "Soal potongan biaya transaksi untuk usaha mikro perlu dijelaskan lebih jauh. Banyak "
            "pedagang takut uangnya dipotong.",
        ),
    ],
    "kebocoran-data-aplikasi-parkir-langkah-pengguna": [
        _c(
            "bayu",
            "Terima kasih, langkahnya jelas. Saya juga menulis panduan singkat mengamankan akun "
            "di sini: https://bayu.example.net/amankan-akun",
            _c(
                "sari",
                "Jangan lupa, jangan pakai kata sandi yang sama di banyak aplikasi. Saya baru "
                "sadar setelah salah satu akun saya diambil alih.",
                _c(
                    "agus",
                    "Pengelola kata sandi sangat membantu. Awalnya ribet, setelah seminggu jadi "
                    "kebiasaan.",
                ),
            ),
        ),
        _c(
            "maria",
            "Apakah operatornya sudah memberi tahu pengguna secara langsung? Saya belum "
            "menerima email apa pun.",
        ),
    ],
}


class _Loader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.counts = {
            "images": 0,
            "authors": 0,
            "pages": 0,
            "articles": 0,
            "top_stories": 0,
            "comments": 0,
            "pending_comments": 0,
            "pages_deleted": 0,
        }
        self.image_model = get_image_model()

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    # Images -------------------------------------------------------------------------------

    def image(self, title, render):
        """The image titled `title`, rendered and stored only if no image has that title."""
        existing = self.image_model.objects.filter(title=title).order_by("pk").first()
        if existing is not None:
            return existing
        data = render()
        filename = title.lower().replace("demo: ", "").replace(" ", "-") + ".jpg"
        image = self.image_model(title=title, file=ImageFile(BytesIO(data), name=filename))
        image._set_image_file_metadata()
        image.save()
        self.counts["images"] += 1
        return image

    # Pages --------------------------------------------------------------------------------

    def publish_new(self, parent, page):
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.counts["pages"] += 1
        return page

    def home(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = self.publish_new(
                root, HomePage(title=HOME["title"], slug=HOME["slug"], intro=HOME["intro"])
            )
            self.log(f"Created home page {home.title!r}")
        return home

    def site(self, home):
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="Kabar",
            )
            return
        if site.root_page_id != home.pk or site.site_name != "Kabar":
            site.root_page = home
            site.site_name = "Kabar"
            site.save()

    def remove_welcome_page(self):
        welcome = Page.objects.filter(
            depth=2, slug="home", content_type=ContentType.objects.get_for_model(Page)
        ).first()
        if welcome is not None and not Site.objects.filter(root_page=welcome).exists():
            welcome.delete()
            self.counts["pages_deleted"] += 1
            self.log("Deleted Wagtail's welcome page")

    def sections(self, home):
        sections = {}
        for spec in SECTIONS:
            section = SectionPage.objects.child_of(home).filter(slug=spec["slug"]).first()
            if section is None:
                section = self.publish_new(
                    home,
                    SectionPage(
                        title=spec["title"],
                        slug=spec["slug"],
                        intro=spec["intro"],
                        show_in_menus=True,
                    ),
                )
                self.log(f"Created section {section.title!r}")
            sections[spec["slug"]] = section
        return sections

    def authors(self):
        authors = {}
        for spec in AUTHORS:
            author = Author.objects.filter(slug=spec["slug"]).first()
            if author is None:
                photo = self.image(
                    f"Demo: foto {spec['slug']}",
                    lambda spec=spec: render_portrait(spec["name"], spec["palette"]),
                )
                author = Author.objects.create(
                    slug=spec["slug"],
                    name=spec["name"],
                    job_title=spec["job_title"],
                    bio=spec["bio"],
                    photo=photo,
                )
                self.counts["authors"] += 1
            authors[spec["slug"]] = author
        return authors

    def body_blocks(self, spec):
        blocks = []
        for block in spec["body"]:
            if block["type"] != "image":
                blocks.append(block)
                continue
            value = dict(block["value"])
            key = value.pop("key")
            image_spec = BODY_IMAGES[key]
            image = self.image(
                f"Demo: {key}",
                lambda s=image_spec, k=key: render_scene(k, s["label"], s["palette"], LEAD_SIZE),
            )
            blocks.append({"type": "image", "value": {"image": image.pk, **value}})
        return blocks

    def articles(self, sections, authors, now):
        articles = {}
        for index, spec in enumerate(ARTICLES):
            article = ArticlePage.objects.filter(slug=spec["slug"]).first()
            if article is None:
                article = self.article_create(spec, index, sections, authors, now)
            articles[spec["slug"]] = article
        return articles

    def article_create(self, spec, index, sections, authors, now):
        lead = spec["lead"]
        lead_image = self.image(
            f"Demo: {spec['slug']}",
            lambda: render_scene(spec["slug"], lead["label"], lead["palette"], LEAD_SIZE),
        )
        article = ArticlePage(
            title=spec["title"],
            slug=spec["slug"],
            standfirst=spec["standfirst"],
            dateline=spec["dateline"],
            source_credit=spec.get("source_credit", ""),
            language=spec.get("language", "id"),
            lead_image=lead_image,
            lead_image_caption=lead["caption"],
            lead_image_credit=IMAGE_CREDIT,
            body=self.body_blocks(spec),
            is_featured=spec.get("featured", False),
            discussion=spec.get("discussion", Discussion.OPEN),
            article_authors=[
                ArticleAuthor(author=authors[slug], sort_order=position)
                for position, slug in enumerate(spec["authors"])
            ],
        )
        article.tags.add(*spec["tags"])
        self.publish_new(sections[spec["section"]], article)
        first = now - timedelta(hours=PUBLISH_STEP_HOURS * index, minutes=(index * 23) % 60)
        # One story was corrected a few hours later, so the site shows an "updated" stamp.
        last = first + timedelta(hours=3) if index == 1 else first
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=first, last_published_at=last, published_at=first
        )
        article.refresh_from_db()
        self.counts["articles"] += 1
        self.log(f"Published {article.title!r}")
        return article

    def top_stories(self, home, articles):
        if home.top_stories.exists():
            return
        home.top_stories = [
            HomeTopStory(article=articles[slug], sort_order=position)
            for position, slug in enumerate(TOP_STORIES)
        ]
        home.save_revision().publish()
        self.counts["top_stories"] += len(TOP_STORIES)

    # Discussion ---------------------------------------------------------------------------

    def discussions(self, articles):
        for slug, thread in THREADS.items():
            article = articles[slug]
            if Comment.objects.filter(page=article).exists():
                continue
            approve = []
            for node in thread:
                self.comment_tree(article, node, None, approve)
            comments_set_status(approve, CommentStatus.APPROVED)

    def comment_tree(self, article, node, parent, approve):
        comment = comment_submit(
            page=article, author=COMMENTERS[node["by"]], body=node["body"], parent=parent
        )
        self.counts["comments"] += 1
        if node["pending"]:
            self.counts["pending_comments"] += 1
        else:
            approve.append(comment.pk)
        for reply in node["replies"]:
            self.comment_tree(article, reply, comment, approve)

    def run(self):
        now = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
        home = self.home()
        self.site(home)
        self.remove_welcome_page()
        sections = self.sections(home)
        authors = self.authors()
        articles = self.articles(sections, authors, now)
        self.top_stories(home, articles)
        self.discussions(articles)
        return self.counts


def load_demo(stdout=None):
    """Create the demo site, skipping anything already there; returns what was created."""
    with transaction.atomic():
        return _Loader(stdout).run()


# Rendering ---------------------------------------------------------------------------------


def _font(size):
    return ImageFont.load_default(size=size)


def _gradient(size, start, end, flip):
    """A diagonal two-colour gradient, built from Pillow's gradients rather than per pixel."""
    vertical = Image.linear_gradient("L")
    mask = Image.blend(vertical, vertical.rotate(90 if flip else -90), 0.5).resize(size)
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def _jpeg(image):
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def render_scene(seed, label, palette_name, size):
    """A seeded abstract composition: gradient sky, soft discs, a horizon and a label."""
    rng = random.Random(seed)
    dark, mid, light = PALETTES[palette_name]
    width, height = size
    canvas = _gradient(size, dark, mid, rng.random() < 0.5).convert("RGBA")

    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for _ in range(7):
        radius = rng.randint(height // 10, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius),
            fill=(*light, rng.randint(25, 70)),
        )
    horizon = int(height * rng.uniform(0.55, 0.72))
    points = [(0, height), (0, horizon)]
    for step in range(1, 9):
        points.append((width * step // 8, horizon + rng.randint(-40, 40)))
    points.append((width, height))
    draw.polygon(points, fill=(*dark, 170))
    for _ in range(5):
        x = rng.randint(0, width)
        draw.line((x, 0, x + rng.randint(-200, 200), height), fill=(*light, 40), width=3)
    canvas = Image.alpha_composite(canvas, overlay)

    band = Image.new("RGBA", size, (0, 0, 0, 0))
    band_draw = ImageDraw.Draw(band)
    band_draw.rectangle((0, height - 150, width, height), fill=(0, 0, 0, 120))
    canvas = Image.alpha_composite(canvas, band)

    text = ImageDraw.Draw(canvas)
    text.text((48, height - 128), "KABAR", font=_font(28), fill=(*light, 255))
    text.text((48, height - 90), label, font=_font(56), fill=(255, 255, 255, 255))
    return _jpeg(canvas.convert("RGB"))


def render_portrait(name, palette_name):
    """A seeded placeholder portrait: a head-and-shoulders silhouette with initials."""
    rng = random.Random(name)
    dark, mid, light = PALETTES[palette_name]
    width, height = PHOTO_SIZE
    canvas = _gradient(PHOTO_SIZE, mid, dark, rng.random() < 0.5)
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((130, 70, 270, 210), fill=light)
    draw.ellipse((60, 230, 340, 520), fill=light)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    draw.text((width - 24, 24), initials, font=_font(48), fill=(255, 255, 255), anchor="ra")
    return _jpeg(canvas)
