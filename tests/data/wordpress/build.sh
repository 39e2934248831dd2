#!/usr/bin/env bash
# Rebuilds site-v1.xml, site-v2.xml and uploads/ from a real WordPress (Debian's package).
#
# Needs (as root, once): apt-get install --no-install-recommends wordpress php-cli php-mysql \
#   php-xml php-mbstring php-gd faketime
# and MariaDB on the local socket with root allowed through unix_socket auth.
# The database (default kabar_wp_fixture) is dropped and recreated on every run.
# faketime freezes the clock so the export headers and WordPress's own "now" stamps
# (post_modified of edited posts, trash times) are the same on every run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
db="${KABAR_WP_DB:-kabar_wp_fixture}"
work="$(mktemp -d /tmp/kabar-wp-fixture.XXXXXX)"
trap 'rm -rf "$work"' EXIT

for bin in php mysql faketime; do
    command -v "$bin" >/dev/null || { echo "build.sh: $bin is missing" >&2; exit 1; }
done
[ -f /usr/share/wordpress/wp-settings.php ] || { echo "build.sh: install Debian's wordpress" >&2; exit 1; }

mysql -u root -e "DROP DATABASE IF EXISTS \`$db\`;
  CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci;"

export KABAR_WP_DB="$db"
export KABAR_WP_CONTENT="$work/wp-content"
mkdir -p "$KABAR_WP_CONTENT"

# Frozen clocks: v1 is exported on 30 Nov 2025, v2 (after the changes) on 2 Dec 2025
# (UTC; the site's timezone is Asia/Jakarta, UTC+7).
TZ=UTC faketime -f '2025-11-30 05:00:00' php "$here/build_site.php" v1 "$here/site-v1.xml"
TZ=UTC faketime -f '2025-12-02 03:00:00' php "$here/build_site.php" v2 "$here/site-v2.xml"

rm -rf "$here/uploads"
cp -r "$KABAR_WP_CONTENT/uploads" "$here/uploads"
find "$here/uploads" -type f | sort
du -sh "$here/uploads"
