<?php
/**
 * Builds the "Kabar Nusantara Lama" fixture site through WordPress's own PHP API and exports it
 * with WordPress's own export_wp().
 *
 * Usage (see build.sh, which sets up the database, the content dir and a frozen clock):
 *   php build_site.php v1 OUT.xml   -- install, create all content, export
 *   php build_site.php v2 OUT.xml   -- change the v1 site, export again
 *
 * Environment: KABAR_WP_DB (database name), KABAR_WP_CONTENT (private wp-content dir),
 * KABAR_WP_ABSPATH (WordPress core, default /usr/share/wordpress/).
 *
 * Instead of Debian's /usr/share/wordpress/wp-config.php (which reads /etc/wordpress/config-HOST.php)
 * this script plays the role of a private wp-config.php: it defines the constants and then
 * requires wp-settings.php, so nothing under /etc is needed.
 */

if ( $argc !== 3 || ! in_array( $argv[1], array( 'v1', 'v2' ), true ) ) {
	fwrite( STDERR, "usage: php build_site.php v1|v2 OUT.xml\n" );
	exit( 2 );
}
$kabar_phase = $argv[1];
$kabar_out   = $argv[2];

// --- private wp-config ---------------------------------------------------------------------
define( 'WP_INSTALLING', true );
define( 'ABSPATH', rtrim( getenv( 'KABAR_WP_ABSPATH' ) ?: '/usr/share/wordpress', '/' ) . '/' );
define( 'DB_NAME', getenv( 'KABAR_WP_DB' ) ?: 'kabar_wp_fixture' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:/run/mysqld/mysqld.sock' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'WP_CONTENT_DIR', getenv( 'KABAR_WP_CONTENT' ) ?: '/tmp/kabar-wp-fixture/wp-content' );
define( 'WP_SITEURL', 'http://lama.example.id' );
define( 'WP_HOME', 'http://lama.example.id' );
// Without this WordPress derives it from the siteurl option, which does not exist yet when
// wp-settings.php runs before the install, and attachment URLs would lose their host.
define( 'WP_CONTENT_URL', 'http://lama.example.id/wp-content' );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
// The site is Indonesian; no language pack is installed, so texts stay English ("Uncategorized")
// but the locale, and so the export's <language>, is id-ID.
define( 'WPLANG', 'id_ID' );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', true );
// Fixed salts: nothing secret lives in this throwaway database.
foreach ( array( 'AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT' ) as $kabar_k ) {
	define( $kabar_k, 'kabar-fixture-' . strtolower( $kabar_k ) );
}
$table_prefix = 'wp_';

$_SERVER['HTTP_HOST']   = 'lama.example.id';
$_SERVER['SERVER_NAME'] = 'lama.example.id';
$_SERVER['REQUEST_URI'] = '/wp-admin/install.php';
$_SERVER['PHP_SELF']    = '/wp-admin/install.php';
$_SERVER['SCRIPT_NAME'] = '/wp-admin/install.php';

// No mail leaves this machine: wp_mail is pluggable, and defining it first wins.
function wp_mail( $to, $subject, $message, $headers = '', $attachments = array() ) {
	return true;
}

// No HTTP request leaves this machine either (pingbacks, self-tests of permalinks, oEmbed).
$wp_filter = array(
	'pre_http_request' => array(
		10 => array(
			array(
				'function'      => function () {
					return new WP_Error( 'kabar_fixture_offline', 'HTTP disabled while building the fixture' );
				},
				'accepted_args' => 1,
			),
		),
	),
);

require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once ABSPATH . 'wp-admin/includes/export.php';

// Only the full-size upload: no resized copies, no "-scaled" file (keeps uploads/ tiny).
add_filter( 'intermediate_image_sizes_advanced', '__return_empty_array' );
add_filter( 'big_image_size_threshold', '__return_false' );

const KABAR_SITE = 'http://lama.example.id';

// --- helpers ---------------------------------------------------------------------------------

function kabar_fail( $what, $result ) {
	if ( is_wp_error( $result ) ) {
		fwrite( STDERR, "$what failed: " . $result->get_error_message() . "\n" );
		exit( 1 );
	}
	if ( ! $result ) {
		fwrite( STDERR, "$what failed\n" );
		exit( 1 );
	}
	return $result;
}

function kabar_post( $author_id, array $args ) {
	// Each post is written by its author's own account, so WordPress applies kses exactly as it
	// would for that role (authors are filtered, editors and admins have unfiltered_html).
	wp_set_current_user( $author_id );
	$args['post_author'] = $author_id;
	return kabar_fail( 'wp_insert_post ' . $args['post_title'], wp_insert_post( wp_slash( $args ), true ) );
}

function kabar_comment( $post_id, array $c ) {
	$defaults = array(
		'comment_post_ID'      => $post_id,
		'comment_author_url'   => '',
		'comment_author_IP'    => '127.0.0.1',
		'comment_agent'        => 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
		'comment_approved'     => '1',
		'comment_type'         => 'comment',
		'comment_parent'       => 0,
		'user_id'              => 0,
	);
	$c      = array_merge( $defaults, $c );
	$status = $c['comment_approved'];
	// Go through WordPress's own spam/trash actions so the comment gets the meta they write:
	// spam is caught while held for moderation, trash is an approved comment removed later.
	if ( 'spam' === $status ) {
		$c['comment_approved'] = '0';
	} elseif ( 'trash' === $status ) {
		$c['comment_approved'] = '1';
	}
	$id = kabar_fail( 'wp_insert_comment', wp_insert_comment( wp_slash( $c ) ) );
	if ( 'spam' === $status ) {
		kabar_fail( 'wp_spam_comment', wp_spam_comment( $id ) );
	} elseif ( 'trash' === $status ) {
		kabar_fail( 'wp_trash_comment', wp_trash_comment( $id ) );
	}
	return $id;
}

function kabar_png( $w, $h, callable $draw, $type = 'jpeg' ) {
	$im = imagecreatetruecolor( $w, $h );
	$draw( $im );
	ob_start();
	if ( 'png' === $type ) {
		imagepng( $im, null, 9 );
	} else {
		imagejpeg( $im, null, 80 );
	}
	imagedestroy( $im );
	return ob_get_clean();
}

function kabar_attachment( $author_id, $parent_id, $filename, $yyyymm, $bits, array $args ) {
	wp_set_current_user( $author_id );
	$upload = wp_upload_bits( $filename, null, $bits, $yyyymm );
	if ( $upload['error'] ) {
		kabar_fail( 'wp_upload_bits', new WP_Error( 'upload', $upload['error'] ) );
	}
	$type = wp_check_filetype( $upload['file'] );
	$att  = array_merge(
		array(
			'post_mime_type' => $type['type'],
			'guid'           => $upload['url'],
			'post_status'    => 'inherit',
			'post_author'    => $author_id,
			'post_content'   => '',
		),
		$args
	);
	$id = kabar_fail( 'wp_insert_attachment', wp_insert_attachment( wp_slash( $att ), $upload['file'], $parent_id, true ) );
	wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $upload['file'] ) );
	return array( $id, $upload );
}

function kabar_export( $path ) {
	ob_start();
	export_wp( array( 'content' => 'all' ) );
	$xml = ob_get_clean();
	kabar_fail( "writing $path", false !== file_put_contents( $path, $xml ) );
	fwrite( STDOUT, "exported $path (" . strlen( $xml ) . " bytes)\n" );
}

function kabar_ids() {
	return get_option( 'kabar_fixture_ids' );
}

// --- phase v1 --------------------------------------------------------------------------------

function kabar_build_v1() {
	global $wp_rewrite;
	$ids = array();

	$installed = wp_install( 'Kabar Nusantara Lama', 'redaksi', 'redaksi@lama.example.id', 1, '', 'kata-sandi-fixture-1', 'id_ID' );
	kabar_fail( 'wp_install', $installed['user_id'] ?? 0 );
	$admin = (int) $installed['user_id'];
	update_option( 'siteurl', KABAR_SITE );
	update_option( 'home', KABAR_SITE );
	update_option( 'blogdescription', 'Arsip berita lama dari seluruh penjuru Nusantara' );
	update_option( 'timezone_string', 'Asia/Jakarta' );
	update_option( 'gmt_offset', '' );
	update_option( 'date_format', 'j F Y' );
	update_option( 'default_pingback_flag', 0 );
	update_option( 'ping_sites', '' );
	update_option( 'thread_comments', 1 );
	update_option( 'thread_comments_depth', 5 );
	update_option( 'uploads_use_yearmonth_folders', 1 );
	wp_update_user(
		array(
			'ID'           => $admin,
			'display_name' => 'Redaksi Kabar Lama',
			'first_name'   => 'Redaksi',
			'last_name'    => 'Kabar Lama',
			'nickname'     => 'redaksi',
		)
	);

	// wp_install_defaults() made "Hello world!", "Sample Page", a draft privacy page and one
	// comment, all dated "now"; remove them so the fixture holds only our own writing.
	foreach ( get_posts( array( 'post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1 ) ) as $p ) {
		wp_delete_post( $p->ID, true );
	}
	foreach ( get_comments( array( 'status' => 'all' ) ) as $c ) {
		wp_delete_comment( $c->comment_ID, true );
	}
	update_option( 'wp_page_for_privacy_policy', 0 );

	// Users.
	$sari = kabar_fail(
		'user sari',
		wp_insert_user(
			wp_slash(
				array(
					'user_login'      => 'sari',
					'user_pass'       => 'kata-sandi-fixture-2',
					'user_email'      => 'sari.wulandari@lama.example.id',
					'user_url'        => 'https://sari.example.id',
					'display_name'    => 'Sari Wulandari',
					'first_name'      => 'Sari',
					'last_name'       => 'Wulandari',
					'nickname'        => 'sari',
					'role'            => 'editor',
					'user_registered' => '2024-02-01 03:00:00',
				)
			)
		)
	);
	$budi = kabar_fail(
		'user budi',
		wp_insert_user(
			wp_slash(
				array(
					'user_login'      => 'budi',
					'user_pass'       => 'kata-sandi-fixture-3',
					'user_email'      => 'budi.santoso@lama.example.id',
					'display_name'    => 'Budi Santoso',
					'first_name'      => 'Budi',
					'last_name'       => 'Santoso',
					'nickname'        => 'budi',
					'role'            => 'author',
					'user_registered' => '2024-02-03 04:30:00',
				)
			)
		)
	);
	$rina = kabar_fail(
		'user rina',
		wp_insert_user(
			wp_slash(
				array(
					'user_login'      => 'rina',
					'user_pass'       => 'kata-sandi-fixture-4',
					'user_email'      => 'rina@pembaca.example.id',
					'display_name'    => 'Rina',
					'first_name'      => 'Rina',
					'nickname'        => 'rina',
					'role'            => 'subscriber',
					'user_registered' => '2024-06-10 12:15:00',
				)
			)
		)
	);
	$ids['users'] = compact( 'admin', 'sari', 'budi', 'rina' );

	// Terms.
	wp_set_current_user( $admin );
	$t        = function ( $name, $tax, $args = array() ) {
		$r = kabar_fail( "wp_insert_term $name", wp_insert_term( wp_slash( $name ), $tax, wp_slash( $args ) ) );
		return (int) $r['term_id'];
	};
	$nasional = $t( 'Nasional', 'category', array( 'description' => 'Berita dari seluruh provinsi di Indonesia.' ) );
	$politik  = $t( 'Politik', 'category', array( 'parent' => $nasional ) );
	$pemilu   = $t( 'Pemilu', 'category', array( 'parent' => $politik, 'description' => 'Liputan pemilihan umum & pilkada.' ) );
	$intl     = $t( 'Internasional', 'category' );
	$asia     = $t( 'Asia Tenggara', 'category', array( 'parent' => $intl ) );
	$ekonomi  = $t( 'Ekonomi', 'category' );
	foreach ( array( 'banjir', 'pemilu 2029', 'ASEAN', 'harga beras' ) as $tag ) {
		$t( $tag, 'post_tag' );
	}
	$ids['cats'] = compact( 'nasional', 'politik', 'pemilu', 'intl', 'asia', 'ekonomi' );

	// Images: drawn here, uploaded through wp_upload_bits into uploads/YYYY/MM/.
	$kpu_bits   = kabar_png(
		320,
		180,
		function ( $im ) {
			imagefilledrectangle( $im, 0, 0, 319, 179, imagecolorallocate( $im, 200, 16, 46 ) );
			imagefilledrectangle( $im, 0, 90, 319, 179, imagecolorallocate( $im, 250, 250, 250 ) );
			imagefilledellipse( $im, 160, 90, 90, 90, imagecolorallocate( $im, 30, 60, 120 ) );
		}
	);
	$pasar_bits = kabar_png(
		300,
		200,
		function ( $im ) {
			imagefilledrectangle( $im, 0, 0, 299, 199, imagecolorallocate( $im, 240, 220, 160 ) );
			$green = imagecolorallocate( $im, 40, 140, 60 );
			for ( $i = 0; $i < 5; $i++ ) {
				imagefilledrectangle( $im, 20 + 55 * $i, 120 - 15 * $i, 60 + 55 * $i, 185, $green );
			}
			imagefilledpolygon( $im, array( 150, 10, 280, 60, 20, 60 ), imagecolorallocate( $im, 120, 70, 30 ) );
		}
	);
	$peta_bits  = kabar_png(
		240,
		160,
		function ( $im ) {
			imagefilledrectangle( $im, 0, 0, 239, 159, imagecolorallocate( $im, 70, 130, 200 ) );
			imagefilledellipse( $im, 80, 80, 120, 60, imagecolorallocate( $im, 90, 170, 90 ) );
			imagefilledellipse( $im, 180, 100, 70, 40, imagecolorallocate( $im, 90, 170, 90 ) );
		},
		'png'
	);

	list( $att_kpu, $up_kpu )     = kabar_attachment(
		$budi,
		0,
		'gedung-kpu.jpg',
		'2025/04',
		$kpu_bits,
		array(
			'post_title' => 'Gedung KPU',
			'post_date'  => '2025-04-14 08:05:00',
		)
	);
	list( $att_pasar, $up_pasar ) = kabar_attachment(
		$sari,
		0,
		'pasar-beras-cipinang.jpg',
		'2025/05',
		$pasar_bits,
		array(
			'post_title'   => 'Pasar beras Cipinang',
			'post_excerpt' => 'Karung beras menumpuk di Pasar Induk Beras Cipinang, Jakarta Timur.',
			'post_date'    => '2025-05-20 10:12:00',
		)
	);
	update_post_meta( $att_pasar, '_wp_attachment_image_alt', 'Tumpukan karung beras hijau di bawah atap pasar' );
	list( $att_peta, $up_peta )   = kabar_attachment(
		$budi,
		0,
		'peta-banjir.png',
		'2025/03',
		$peta_bits,
		array(
			'post_title'   => 'Peta genangan rob',
			'post_excerpt' => 'Peta genangan rob di pesisir utara, Maret 2025.',
			'post_date'    => '2025-03-11 06:40:00',
		)
	);
	update_post_meta( $att_peta, '_wp_attachment_image_alt', 'Peta pesisir dengan daerah genangan berwarna biru' );

	// --- Posts -------------------------------------------------------------------------------

	// A: classic (wpautop-style) body, [caption] around the image whose file goes missing.
	$peta_url = $up_peta['url'];
	$post_a   = kabar_post(
		$budi,
		array(
			'post_title'    => 'Banjir rob rendam pesisir utara Jakarta',
			'post_name'     => 'banjir-rob-rendam-pesisir-utara-jakarta',
			'post_status'   => 'publish',
			'post_date'     => '2025-03-11 07:30:00',
			'post_category' => array( $nasional ),
			'post_excerpt'  => 'Air laut pasang merendam permukiman di tiga kelurahan sejak subuh.',
			'post_content'  => "Air laut pasang kembali merendam permukiman di pesisir utara Jakarta sejak subuh tadi. Warga di tiga kelurahan <strong>terpaksa mengungsi</strong> ke masjid dan balai warga.\n\n"
				. "Menurut petugas kelurahan, ketinggian air mencapai 60 sentimeter di gang-gang sempit dekat tanggul. Data resmi dapat dilihat di <a href=\"https://bpbd.example.id/rob-2025\">laman BPBD</a>.\n\n"
				. "[caption id=\"attachment_{$att_peta}\" align=\"aligncenter\" width=\"240\"]<img class=\"size-full wp-image-{$att_peta}\" src=\"{$peta_url}\" alt=\"Peta pesisir dengan daerah genangan berwarna biru\" width=\"240\" height=\"160\" /> Peta genangan rob di pesisir utara, Maret 2025.[/caption]\n\n"
				. "<!--more-->\n\n"
				. "Warga mengeluhkan tanggul yang retak sejak tahun lalu. \"Setiap bulan purnama kami was-was,\" kata Pak Harun, nelayan yang sudah tiga puluh tahun tinggal di kampung itu.\n\n"
				. "Pemerintah kota berjanji menambah pompa air portabel pekan depan.",
		)
	);
	wp_set_post_terms( $post_a, array( 'banjir' ), 'post_tag' );
	wp_update_post( array( 'ID' => $att_peta, 'post_parent' => $post_a ) );

	// B: Gutenberg body in the grandchild category, featured image.
	$post_b = kabar_post(
		$budi,
		array(
			'post_title'    => 'KPU mulai verifikasi partai peserta Pemilu 2029',
			'post_name'     => 'kpu-mulai-verifikasi-partai-peserta-pemilu-2029',
			'post_status'   => 'publish',
			'post_date'     => '2025-04-14 09:00:00',
			'post_category' => array( $pemilu ),
			'post_content'  => "<!-- wp:paragraph -->\n<p>Komisi Pemilihan Umum mulai memeriksa berkas partai politik calon peserta Pemilu 2029 pekan ini.</p>\n<!-- /wp:paragraph -->\n\n"
				. "<!-- wp:heading -->\n<h2>Tiga tahap pemeriksaan</h2>\n<!-- /wp:heading -->\n\n"
				. "<!-- wp:list -->\n<ul><li>Pemeriksaan administrasi dokumen pendirian</li><li>Verifikasi faktual kantor di daerah</li><li>Pencocokan data anggota dengan KTP elektronik</li></ul>\n<!-- /wp:list -->\n\n"
				. "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->\n<p>Kami tidak akan meloloskan partai yang kantornya hanya papan nama.</p>\n<!-- /wp:paragraph --><cite>Anggota KPU, dalam jumpa pers</cite></blockquote>\n<!-- /wp:quote -->\n\n"
				. "<!-- wp:separator -->\n<hr class=\"wp-block-separator has-alpha-channel-opacity\"/>\n<!-- /wp:separator -->\n\n"
				. "<!-- wp:paragraph -->\n<p>Simak penjelasan lengkapnya dalam video berikut.</p>\n<!-- /wp:paragraph -->\n\n"
				. "<!-- wp:embed {\"url\":\"https://www.youtube.com/watch?v=kAbArLaMa01\",\"type\":\"video\",\"providerNameSlug\":\"youtube\",\"responsive\":true,\"className\":\"wp-embed-aspect-16-9 wp-has-aspect-ratio\"} -->\n"
				. "<figure class=\"wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=kAbArLaMa01\n</div></figure>\n<!-- /wp:embed -->",
		)
	);
	wp_set_post_terms( $post_b, array( 'pemilu 2029' ), 'post_tag' );
	wp_update_post( array( 'ID' => $att_kpu, 'post_parent' => $post_b ) );
	set_post_thumbnail( $post_b, $att_kpu );

	// C: Gutenberg body with the captioned image, in two categories (edited in v2).
	$pasar_url = $up_pasar['url'];
	$post_c    = kabar_post(
		$sari,
		array(
			'post_title'    => 'Harga beras naik di lima negara ASEAN',
			'post_name'     => 'harga-beras-naik-di-lima-negara-asean',
			'post_status'   => 'publish',
			'post_date'     => '2025-05-20 11:00:00',
			'post_category' => array( $ekonomi, $asia ),
			'post_content'  => "<!-- wp:paragraph -->\n<p>Harga beras medium naik rata-rata 8 persen di lima negara Asia Tenggara sepanjang kuartal pertama.</p>\n<!-- /wp:paragraph -->\n\n"
				. "<!-- wp:image {\"id\":{$att_pasar},\"sizeSlug\":\"full\",\"linkDestination\":\"none\"} -->\n"
				. "<figure class=\"wp-block-image size-full\"><img src=\"{$pasar_url}\" alt=\"Tumpukan karung beras hijau di bawah atap pasar\" class=\"wp-image-{$att_pasar}\"/><figcaption class=\"wp-element-caption\">Karung beras menumpuk di Pasar Induk Beras Cipinang, Jakarta Timur.</figcaption></figure>\n<!-- /wp:image -->\n\n"
				. "<!-- wp:heading {\"level\":3} -->\n<h3>Penyebab kenaikan</h3>\n<!-- /wp:heading -->\n\n"
				. "<!-- wp:paragraph -->\n<p>Musim kemarau yang lebih panjang membuat panen mundur. Pedagang di Cipinang menyebut pasokan dari Jawa Tengah berkurang hampir seperempat.</p>\n<!-- /wp:paragraph -->",
		)
	);
	wp_set_post_terms( $post_c, array( 'ASEAN', 'harga beras' ), 'post_tag' );
	wp_update_post( array( 'ID' => $att_pasar, 'post_parent' => $post_c ) );

	// D: classic body, sticky, in the child category.
	$post_d = kabar_post(
		$budi,
		array(
			'post_title'    => 'Tajuk: DPR perlu membuka rapat panitia kerja',
			'post_name'     => 'tajuk-dpr-perlu-membuka-rapat-panitia-kerja',
			'post_status'   => 'publish',
			'post_date'     => '2025-06-02 06:00:00',
			'post_category' => array( $politik ),
			'post_content'  => "Rapat panitia kerja yang membahas rancangan undang-undang penyiaran kembali digelar tertutup. Publik hanya menerima <strong>ringkasan dua halaman</strong> setelah rapat selesai.\n\n"
				. "Padahal Undang-Undang Keterbukaan Informasi Publik menyebut rapat pembahasan undang-undang pada dasarnya terbuka. Salinan aturannya bisa dibaca di <a href=\"https://jdih.example.id/uu-14-2008\" target=\"_blank\" rel=\"noopener\">situs JDIH</a>.\n\n"
				. "<!--more-->\n\n"
				. "Kami mengusulkan tiga hal sederhana: siaran langsung setiap rapat, risalah yang terbit paling lambat sepekan, dan daftar hadir yang bisa diunduh.\n\n"
				. "<em>Tajuk ini mewakili sikap redaksi.</em>",
		)
	);
	stick_post( $post_d );

	// E: hostile markup, 4-byte characters and Arabic, written by the editor (unfiltered_html).
	$post_e = kabar_post(
		$sari,
		array(
			'post_title'    => 'Catatan redaksi tentang keberagaman 🇮🇩',
			'post_name'     => 'catatan-redaksi-tentang-keberagaman',
			'post_status'   => 'publish',
			'post_date'     => '2025-08-17 08:00:00',
			'post_category' => array( $nasional ),
			'post_content'  => "Dirgahayu Republik Indonesia 🇮🇩! Hari ini kami mengumpulkan ucapan pembaca dari berbagai bahasa.\n\n"
				. "Seorang pembaca di Tokyo menulis namanya dengan aksara 𠮷 (bukan 吉 biasa) dan bertanya apakah situs kami bisa menampilkannya. Bisa. 🎉\n\n"
				. "Ucapan dari pembaca di Kairo: <span dir=\"rtl\" lang=\"ar\">عيد استقلال سعيد يا إندونيسيا</span>\n\n"
				. "<script>alert(1)</script>\n\n"
				. "<img src=x onerror=alert(1)>\n\n"
				. "Untuk laporan teknis, <a href=\"javascript:alert(1)\">klik tautan ini</a>.",
		)
	);

	// F: title with & and quotes, partly English, comments later closed.
	$post_f = kabar_post(
		$budi,
		array(
			'post_title'    => 'Jakarta & Kuala Lumpur sepakati "koridor hijau" \'bebas emisi\'',
			'post_name'     => 'jakarta-kuala-lumpur-sepakati-koridor-hijau',
			'post_status'   => 'publish',
			'post_date'     => '2025-07-09 14:20:00',
			'post_category' => array( $intl ),
			'post_content'  => "Indonesia dan Malaysia menandatangani nota kesepahaman tentang jalur pelayaran rendah emisi di Selat Malaka.\n\n"
				. "\"This corridor is a test for the whole region,\" said a Malaysian transport official after the signing ceremony.\n\n"
				. "Kapal yang melintas wajib melaporkan konsumsi bahan bakar setiap enam bulan.",
		)
	);
	wp_set_post_terms( $post_f, array( 'ASEAN' ), 'post_tag' );

	// G: draft, H: pending (no post_date_gmt given: WordPress keeps it at zero for these).
	$post_g = kabar_post(
		$budi,
		array(
			'post_title'    => 'Draf: Bulog siapkan operasi pasar',
			'post_status'   => 'draft',
			'post_date'     => '2025-09-01 10:00:00',
			'post_category' => array( $ekonomi ),
			'post_content'  => "Bulog menyiapkan 20 ribu ton beras untuk operasi pasar. Angka ini masih menunggu konfirmasi.\n\nTODO: tambah kutipan dari kepala gudang.",
		)
	);
	wp_set_post_terms( $post_g, array( 'harga beras' ), 'post_tag' );
	$post_h = kabar_post(
		$budi,
		array(
			'post_title'    => 'Warga Bekasi gotong royong bersihkan kali',
			'post_status'   => 'pending',
			'post_date'     => '2025-09-03 16:45:00',
			'post_category' => array( $nasional ),
			'post_content'  => "Ratusan warga turun ke Kali Bekasi pada Minggu pagi membawa karung dan jaring.\n\nMereka mengangkat hampir dua ton sampah plastik dalam empat jam.",
		)
	);

	// I: scheduled for 2030, post_date_gmt given explicitly.
	$post_i = kabar_post(
		$sari,
		array(
			'post_title'    => 'Hasil hitung cepat Pemilu 2029: panduan membaca angka',
			'post_name'     => 'panduan-membaca-hitung-cepat',
			'post_status'   => 'future',
			'post_date'     => '2030-01-15 09:00:00',
			'post_date_gmt' => '2030-01-15 02:00:00',
			'post_category' => array( $pemilu ),
			'post_content'  => "Hitung cepat bukan hasil resmi. Lembaga survei mengambil sampel tempat pemungutan suara secara acak.\n\nPerhatikan <strong>margin of error</strong> sebelum menyimpulkan siapa yang unggul.",
		)
	);
	wp_set_post_terms( $post_i, array( 'pemilu 2029' ), 'post_tag' );

	// J: private, no category given (WordPress puts it in Uncategorized).
	$post_j = kabar_post(
		$sari,
		array(
			'post_title'   => 'Catatan internal: jadwal piket redaksi Desember',
			'post_status'  => 'private',
			'post_date'    => '2025-10-20 13:00:00',
			'post_content' => "Piket malam: Budi (1–15 Desember), Sari (16–31 Desember).\n\nJangan dipublikasikan.",
		)
	);

	// Pages: a parent and its child.
	$page_about = kabar_post(
		$admin,
		array(
			'post_title'   => 'Tentang Kami',
			'post_name'    => 'tentang-kami',
			'post_type'    => 'page',
			'post_status'  => 'publish',
			'post_date'    => '2024-02-01 10:00:00',
			'menu_order'   => 1,
			'post_content' => "Kabar Nusantara Lama adalah arsip berita yang dikelola relawan sejak 2024.\n\nKami menulis dari Jakarta, Medan, Makassar dan Jayapura.",
		)
	);
	$page_rules = kabar_post(
		$admin,
		array(
			'post_title'   => 'Pedoman Komentar',
			'post_name'    => 'pedoman-komentar',
			'post_type'    => 'page',
			'post_status'  => 'publish',
			'post_parent'  => $page_about,
			'comment_status' => 'open',
			'post_date'    => '2024-02-01 10:30:00',
			'menu_order'   => 2,
			'post_content' => "Komentar yang menghina suku, agama, ras dan antargolongan akan dihapus.\n\nKomentar pertama dari alamat surel baru menunggu moderasi.",
		)
	);

	// --- Comments ------------------------------------------------------------------------------
	$cm   = array();
	$rina_c = array(
		'comment_author'       => 'Rina',
		'comment_author_email' => 'rina@pembaca.example.id',
		'user_id'              => $rina,
		'comment_author_IP'    => '203.0.113.44',
	);

	// Post A: four-level thread, same email under two names, pending, spam, long, pingback.
	$cm['a1']      = kabar_comment( $post_a, array( 'comment_author' => 'Andi Pratama', 'comment_author_email' => 'andi.pratama@surel.example.id', 'comment_author_url' => 'https://andi.example.id', 'comment_author_IP' => '198.51.100.7', 'comment_date' => '2025-03-11 08:02:00', 'comment_content' => 'Rumah saudara saya di Muara Baru juga kena. Semoga pompa segera datang.' ) );
	$cm['a2']      = kabar_comment( $post_a, array_merge( $rina_c, array( 'comment_parent' => $cm['a1'], 'comment_date' => '2025-03-11 08:40:00', 'comment_content' => 'Di Penjaringan airnya sudah mulai surut, Mas Andi.' ) ) );
	$cm['a3']      = kabar_comment( $post_a, array( 'comment_author' => 'Andi Pratama', 'comment_author_email' => 'andi.pratama@surel.example.id', 'comment_author_url' => 'https://andi.example.id', 'comment_author_IP' => '198.51.100.7', 'comment_parent' => $cm['a2'], 'comment_date' => '2025-03-11 09:15:00', 'comment_content' => 'Syukurlah. Terima kasih infonya, Mbak Rina.' ) );
	$cm['a4']      = kabar_comment( $post_a, array( 'comment_author' => 'Dewi Lestari', 'comment_author_email' => 'dewi.l@surel.example.id', 'comment_author_IP' => '192.0.2.10', 'comment_parent' => $cm['a3'], 'comment_date' => '2025-03-11 10:05:00', 'comment_content' => 'Kalau ada posko bantuan yang butuh relawan, kabari ya.' ) );
	$cm['a5']      = kabar_comment( $post_a, array( 'comment_author' => 'Dewi L.', 'comment_author_email' => 'dewi.l@surel.example.id', 'comment_author_IP' => '192.0.2.11', 'comment_date' => '2025-03-11 12:30:00', 'comment_content' => "Tanggul itu sudah dilaporkan retak sejak Oktober.\n\nKenapa baru sekarang ada janji perbaikan?" ) );
	$cm['a6']      = kabar_comment( $post_a, array( 'comment_author' => 'Pengunjung Baru', 'comment_author_email' => 'baru@surel.example.id', 'comment_author_IP' => '198.51.100.23', 'comment_approved' => '0', 'comment_date' => '2025-03-11 13:00:00', 'comment_content' => 'Apakah sekolah di Muara Angke diliburkan besok?' ) );
	$cm['a7spam']  = kabar_comment( $post_a, array( 'comment_author' => 'Obat Murah', 'comment_author_email' => 'promo@spam.example.com', 'comment_author_url' => 'http://spam.example.com/obat', 'comment_author_IP' => '203.0.113.250', 'comment_approved' => 'spam', 'comment_date' => '2025-03-11 13:05:00', 'comment_content' => 'Diskon besar! Klik di sini sekarang juga!!!' ) );
	$long          = array(
		'Saya tinggal di pesisir utara sejak kecil, jadi izinkan saya bercerita agak panjang. Dulu rob datang paling banyak dua kali setahun, biasanya menjelang akhir tahun ketika angin barat bertiup kencang. Orang tua kami menyebutnya air tamu: datang sebentar, lalu pulang. Kami anak-anak malah senang karena bisa bermain perahu dari ember bekas di depan rumah.',
		'Sekarang keadaannya lain sama sekali. Hampir setiap bulan purnama air naik, dan tidak lagi pulang dengan cepat. Lantai rumah kami sudah ditinggikan tiga kali dalam dua puluh tahun. Setiap kali ditinggikan, plafon terasa makin dekat ke kepala. Tetangga yang tidak punya uang untuk meninggikan lantai akhirnya pindah ke rumah saudara di Bogor atau Depok.',
		'Banyak yang bilang penyebabnya hanya perubahan iklim. Itu benar sebagian, tetapi para peneliti juga sudah lama mengingatkan soal penurunan muka tanah akibat pengambilan air tanah berlebihan. Gedung-gedung besar di sekitar kami menyedot air dari sumur dalam, sementara pipa air bersih belum menjangkau semua gang. Jadi warga kecil pun ikut mengebor sumur sendiri. Lingkaran setan.',
		'Tanggul laut memang menolong, tetapi tanggul tanpa perawatan hanyalah tembok yang menunggu retak. Retakan yang disebut dalam berita ini sudah kami foto dan kami kirimkan ke kelurahan sejak tahun lalu, lengkap dengan tanggal dan lokasinya. Jawabannya selalu sama: sudah diteruskan ke dinas terkait. Kami tidak tahu dinas mana yang dimaksud dan sampai di meja siapa laporan itu berhenti. Pernah sekali datang petugas yang mengukur panjang retakan dengan meteran kain, mencatat di buku kecil, lalu pergi. Sejak itu tidak ada kabar lagi, padahal retakannya sekarang sudah bisa dimasuki telapak tangan orang dewasa.',
		'Saya tidak menulis ini untuk marah-marah. Saya menulis karena berharap redaksi mau mengikuti kasus ini sampai tuntas: siapa yang bertanggung jawab atas perawatan tanggul, berapa anggarannya tahun ini, dan kapan pekerjaan dimulai. Liputan lanjutan seperti itu jauh lebih berguna bagi kami daripada foto-foto genangan yang setiap tahun terlihat sama.',
		'Satu hal lagi yang jarang dibahas adalah sekolah. Setiap kali rob datang, sekolah dasar di ujung gang kami diliburkan dua atau tiga hari. Kalau dijumlahkan, anak-anak di kampung ini kehilangan hampir sebulan pelajaran setiap tahun. Guru-guru sudah berusaha memberi tugas lewat grup pesan, tetapi tidak semua keluarga punya ponsel yang bisa dipakai bergantian, apalagi pulsa. Saya berharap wartawan juga bertanya ke dinas pendidikan: adakah rencana memindahkan atau meninggikan gedung sekolah itu?',
		'Terakhir, terima kasih kepada para relawan dapur umum di masjid dekat pelabuhan. Mereka memasak sejak jam tiga pagi tanpa dibayar, dan tidak ada satu pun kamera televisi yang datang merekam mereka. Semoga tulisan panjang ini ada gunanya, dan semoga tahun depan kami bisa bercerita tentang tanggul yang sudah diperbaiki, bukan tentang air yang naik lagi.',
	);
	$cm['a8long']  = kabar_comment( $post_a, array( 'comment_author' => 'Pak Harun', 'comment_author_email' => 'harun.nelayan@surel.example.id', 'comment_author_IP' => '198.51.100.99', 'comment_date' => '2025-03-12 05:30:00', 'comment_content' => implode( "\n\n", $long ) ) );
	$cm['a9ping']  = kabar_comment( $post_a, array( 'comment_author' => 'Warta Pesisir &raquo; Mengapa rob makin sering datang', 'comment_author_email' => '', 'comment_author_url' => 'http://warta-pesisir.example.net/2025/03/mengapa-rob-makin-sering/', 'comment_author_IP' => '192.0.2.200', 'comment_type' => 'pingback', 'comment_agent' => 'WordPress/6.1.9; http://warta-pesisir.example.net', 'comment_date' => '2025-03-12 09:00:00', 'comment_content' => '[&#8230;] Seperti dilaporkan Kabar Nusantara Lama, air laut pasang merendam tiga kelurahan [&#8230;]' ) );

	// Post B: registered commenter, "]]>", hostile markup, 4-byte + RTL, trash, pending.
	$cm['b1']      = kabar_comment( $post_b, array_merge( $rina_c, array( 'comment_date' => '2025-04-14 10:00:00', 'comment_content' => 'Semoga verifikasi faktualnya benar-benar turun ke daerah, bukan hanya di atas kertas.' ) ) );
	$cm['b2cdata'] = kabar_comment( $post_b, array( 'comment_author' => 'Teguh', 'comment_author_email' => 'teguh@surel.example.id', 'comment_author_IP' => '198.51.100.61', 'comment_parent' => $cm['b1'], 'comment_date' => '2025-04-14 10:30:00', 'comment_content' => 'Saya programmer; di XML penutup CDATA adalah ]]> dan itu sering bikin parser bingung. Semoga sistem KPU lebih rapi.' ) );
	$cm['b3xss']   = kabar_comment( $post_b, array( 'comment_author' => 'Iseng', 'comment_author_email' => 'iseng@surel.example.id', 'comment_author_IP' => '203.0.113.66', 'comment_date' => '2025-04-14 11:00:00', 'comment_content' => "Coba ini: <script>alert('x')</script> lalu <a href=\"javascript:alert(1)\">klik</a>" ) );
	$cm['b4utf']   = kabar_comment( $post_b, array( 'comment_author' => 'Yusuf 𠮷田', 'comment_author_email' => 'yusuf@surel.example.id', 'comment_author_IP' => '2001:db8::7', 'comment_date' => '2025-04-14 12:00:00', 'comment_content' => "Salam dari Kairo 🇮🇩🤝🇪🇬\n\nنتمنى انتخابات نزيهة وشفافة\n\nSemoga pemilunya damai." ) );
	$cm['b5trash'] = kabar_comment( $post_b, array( 'comment_author' => 'Anonim', 'comment_author_email' => 'anon@surel.example.id', 'comment_author_IP' => '203.0.113.9', 'comment_approved' => 'trash', 'comment_date' => '2025-04-14 13:00:00', 'comment_content' => 'Semua partai sama saja.' ) );
	$cm['b6pend']  = kabar_comment( $post_b, array( 'comment_author' => 'Maya Sari', 'comment_author_email' => 'maya@surel.example.id', 'comment_author_url' => 'https://maya.example.id', 'comment_author_IP' => '198.51.100.140', 'comment_approved' => '0', 'comment_date' => '2025-04-15 07:00:00', 'comment_content' => 'Apakah jadwal verifikasi tiap provinsi sudah diumumkan?' ) );

	// Post C: a small thread.
	$cm['c1']      = kabar_comment( $post_c, array( 'comment_author' => 'Hendra', 'comment_author_email' => 'hendra@surel.example.id', 'comment_author_IP' => '198.51.100.77', 'comment_date' => '2025-05-20 12:00:00', 'comment_content' => 'Di Pontianak harga beras premium sudah tembus 16 ribu per kilo.' ) );
	$cm['c2']      = kabar_comment( $post_c, array_merge( $rina_c, array( 'comment_parent' => $cm['c1'], 'comment_date' => '2025-05-20 12:45:00', 'comment_content' => 'Di Medan juga mirip, Bang.' ) ) );
	$cm['c3trash'] = kabar_comment( $post_c, array( 'comment_author' => 'Pedagang', 'comment_author_email' => 'dagang@surel.example.id', 'comment_author_IP' => '203.0.113.12', 'comment_approved' => 'trash', 'comment_date' => '2025-05-20 13:00:00', 'comment_content' => 'Jual beras grosir, hubungi nomor di profil.' ) );

	// Post D (sticky).
	$cm['d1']      = kabar_comment( $post_d, array( 'comment_author' => 'Agus Salim', 'comment_author_email' => 'agus@surel.example.id', 'comment_author_IP' => '198.51.100.3', 'comment_date' => '2025-06-02 08:00:00', 'comment_content' => 'Setuju. Siaran langsung itu murah, cukup satu kamera.' ) );

	// Post E (hostile body).
	$cm['e1']      = kabar_comment( $post_e, array( 'comment_author' => 'Dewi Lestari', 'comment_author_email' => 'dewi.l@surel.example.id', 'comment_author_IP' => '192.0.2.10', 'comment_date' => '2025-08-17 09:00:00', 'comment_content' => 'Merdeka! 🇮🇩' ) );
	$cm['e2spam']  = kabar_comment( $post_e, array( 'comment_author' => 'Casino', 'comment_author_email' => 'win@spam.example.com', 'comment_author_url' => 'http://spam.example.com/casino', 'comment_author_IP' => '203.0.113.251', 'comment_approved' => 'spam', 'comment_date' => '2025-08-17 09:05:00', 'comment_content' => 'Menang besar tiap hari' ) );

	// Post F: comments written while open, then the post is closed.
	$cm['f1']      = kabar_comment( $post_f, array( 'comment_author' => 'Lim Wei Ling', 'comment_author_email' => 'weiling@surel.example.my', 'comment_author_url' => 'https://weiling.example.my', 'comment_author_IP' => '198.51.100.180', 'comment_date' => '2025-07-09 15:00:00', 'comment_content' => 'Good news for fishermen on both sides of the strait.' ) );
	$cm['f2']      = kabar_comment( $post_f, array( 'comment_author' => 'Budi Santoso', 'comment_author_email' => 'budi.santoso@lama.example.id', 'user_id' => $budi, 'comment_author_IP' => '127.0.0.1', 'comment_parent' => $cm['f1'], 'comment_date' => '2025-07-09 15:30:00', 'comment_content' => 'Terima kasih. Kami akan mengikuti pelaksanaannya.' ) );
	$cm['f3']      = kabar_comment( $post_f, array( 'comment_author' => 'Rudi & Kawan-kawan', 'comment_author_email' => 'rudi@surel.example.id', 'comment_author_IP' => '198.51.100.181', 'comment_date' => '2025-07-10 08:00:00', 'comment_content' => 'Nota kesepahaman itu tidak mengikat "secara hukum", bukan?' ) );
	wp_set_current_user( $budi );
	wp_update_post( array( 'ID' => $post_f, 'comment_status' => 'closed' ) );

	// Page: one comment.
	$cm['p1']      = kabar_comment( $page_rules, array( 'comment_author' => 'Agus Salim', 'comment_author_email' => 'agus@surel.example.id', 'comment_author_IP' => '198.51.100.3', 'comment_date' => '2025-02-10 19:00:00', 'comment_content' => 'Pedoman yang jelas. Terima kasih.' ) );

	// Permalinks last, like a site that switched from ?p=N links: GUIDs keep the ?p=N form.
	$wp_rewrite->set_permalink_structure( '/%year%/%monthnum%/%day%/%postname%/' );

	$ids['posts']       = compact( 'post_a', 'post_b', 'post_c', 'post_d', 'post_e', 'post_f', 'post_g', 'post_h', 'post_i', 'post_j', 'page_about', 'page_rules' );
	$ids['attachments'] = array(
		'kpu'   => $att_kpu,
		'pasar' => $att_pasar,
		'peta'  => $att_peta,
	);
	$ids['comments']    = $cm;
	update_option( 'kabar_fixture_ids', $ids, false );

	// The map's file goes missing from the uploads folder (the attachment stays in the export).
	unlink( $up_peta['file'] );
}

// --- phase v2 --------------------------------------------------------------------------------

function kabar_build_v2() {
	$ids  = kabar_ids();
	$u    = $ids['users'];
	$p    = $ids['posts'];
	$cm   = $ids['comments'];

	// Edit a published post's title and body.
	wp_set_current_user( $u['sari'] );
	$pasar = get_post( $ids['attachments']['pasar'] );
	$url   = wp_get_attachment_url( $pasar->ID );
	kabar_fail(
		'edit post C',
		wp_update_post(
			wp_slash(
				array(
					'ID'           => $p['post_c'],
					'post_title'   => 'Harga beras naik di enam negara ASEAN (diperbarui)',
					'post_content' => "<!-- wp:paragraph -->\n<p><strong>Pembaruan:</strong> data Filipina masuk, sehingga kenaikan kini tercatat di enam negara Asia Tenggara, rata-rata 9 persen.</p>\n<!-- /wp:paragraph -->\n\n"
						. "<!-- wp:image {\"id\":{$pasar->ID},\"sizeSlug\":\"full\",\"linkDestination\":\"none\"} -->\n"
						. "<figure class=\"wp-block-image size-full\"><img src=\"{$url}\" alt=\"Tumpukan karung beras hijau di bawah atap pasar\" class=\"wp-image-{$pasar->ID}\"/><figcaption class=\"wp-element-caption\">Karung beras menumpuk di Pasar Induk Beras Cipinang, Jakarta Timur.</figcaption></figure>\n<!-- /wp:image -->\n\n"
						. "<!-- wp:paragraph -->\n<p>Musim kemarau yang lebih panjang membuat panen mundur hampir sebulan.</p>\n<!-- /wp:paragraph -->",
				)
			),
			true
		)
	);

	// A new post with two comments.
	$post_k = kabar_post(
		$u['budi'],
		array(
			'post_title'    => 'Rob surut, warga mulai membersihkan rumah',
			'post_name'     => 'rob-surut-warga-mulai-membersihkan-rumah',
			'post_status'   => 'publish',
			'post_date'     => '2025-12-01 07:00:00',
			'post_category' => array( $ids['cats']['nasional'] ),
			'post_content'  => "Air laut akhirnya surut pada Senin pagi. Warga mengeluarkan kasur dan lemari untuk dijemur di pinggir jalan.\n\nPompa portabel yang dijanjikan tiba <strong>dua hari terlambat</strong>.",
		)
	);
	wp_set_post_terms( $post_k, array( 'banjir' ), 'post_tag' );
	$cm['k1'] = kabar_comment( $post_k, array( 'comment_author' => 'Pak Harun', 'comment_author_email' => 'harun.nelayan@surel.example.id', 'comment_author_IP' => '198.51.100.99', 'comment_date' => '2025-12-01 08:00:00', 'comment_content' => 'Alhamdulillah. Sekarang tinggal menunggu tanggulnya diperbaiki.' ) );
	$cm['k2'] = kabar_comment( $post_k, array( 'comment_author' => 'Dewi Lestari', 'comment_author_email' => 'dewi.l@surel.example.id', 'comment_author_IP' => '192.0.2.10', 'comment_parent' => $cm['k1'], 'comment_date' => '2025-12-01 08:30:00', 'comment_content' => 'Posko di masjid masih butuh sukarelawan untuk bersih-bersih.' ) );

	// Approve the pending comment on post B.
	kabar_fail( 'approve', wp_set_comment_status( $cm['b6pend'], 'approve' ) );

	// A reply deep in post A's existing thread (a fifth level).
	$cm['a10'] = kabar_comment( $p['post_a'], array_merge( array( 'comment_author' => 'Rina', 'comment_author_email' => 'rina@pembaca.example.id', 'user_id' => $u['rina'], 'comment_author_IP' => '203.0.113.44' ), array( 'comment_parent' => $cm['a4'], 'comment_date' => '2025-12-01 09:00:00', 'comment_content' => 'Mbak Dewi, posko di Muara Baru masih buka sampai akhir pekan.' ) ) );

	$ids['posts']['post_k'] = $post_k;
	$ids['comments']        = $cm;
	update_option( 'kabar_fixture_ids', $ids, false );
}

if ( 'v1' === $kabar_phase ) {
	kabar_build_v1();
} else {
	kabar_build_v2();
}
wp_set_current_user( 0 );
kabar_export( $kabar_out );
fwrite( STDOUT, 'ids: ' . wp_json_encode( kabar_ids(), JSON_UNESCAPED_UNICODE ) . "\n" );
