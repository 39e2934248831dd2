"""An imported image's old addresses: the upload's own (wp-content/uploads/…/photo.jpg),
every size WordPress made of it (photo-300x200.jpg) and the original of a photo it scaled
down (photo.jpg beside photo-scaled.jpg) answer 301 with the image's file on Kabar, so that
links from other sites and search engines' image results still find the photo."""

import io

import pytest
from django.test import Client
from PIL import Image as PILImage
from wagtail.images import get_image_model

from kabar.ingest.models import ImportedItem
from kabar.ingest.wordpress import mapping
from kabar.ingest.wordpress.importer import import_wordpress
from tests.ingest.test_wxr_real_formats import AUTHOR, SOURCE, item, wxr

Image = get_image_model()


def jpeg_bytes(width, height):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


# As WordPress 6 writes it for a 2,800-pixel photo it scaled to 2,560 ("-scaled"), with
# the sizes it made (a real export's _wp_attachment_metadata, our own file names).
SCALED_METADATA = (
    'a:7:{s:5:"width";i:2560;s:6:"height";i:1707;s:4:"file";s:27:"2021/08/banjir-bandang-scaled.jpg";'
    's:8:"filesize";i:412345;s:5:"sizes";a:3:{'
    's:6:"medium";a:5:{s:4:"file";s:26:"banjir-bandang-300x200.jpg";s:5:"width";i:300;'
    's:6:"height";i:200;s:9:"mime-type";s:10:"image/jpeg";s:8:"filesize";i:15000;}'
    's:9:"thumbnail";a:5:{s:4:"file";s:26:"banjir-bandang-150x150.jpg";s:5:"width";i:150;'
    's:6:"height";i:150;s:9:"mime-type";s:10:"image/jpeg";s:8:"filesize";i:6000;}'
    's:5:"large";a:5:{s:4:"file";s:28:"banjir-bandang-1024x683.jpg";s:5:"width";i:1024;'
    's:6:"height";i:683;s:9:"mime-type";s:10:"image/jpeg";s:8:"filesize";i:98000;}}'
    's:10:"image_meta";a:1:{s:6:"credit";s:11:"Ani Wibowo";}'
    's:14:"original_image";s:18:"banjir-bandang.jpg";}'
)


def photo(wp_id, path, metadata=""):
    meta = (
        "<wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{metadata}]]></wp:meta_value></wp:postmeta>"
        if metadata
        else ""
    )
    return item(
        wp_id,
        f"Foto {wp_id}",
        post_type="attachment",
        status="inherit",
        extra=f"""
		<wp:attachment_url>{SOURCE}/wp-content/uploads/{path}</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[{path}]]></wp:meta_value></wp:postmeta>{meta}""",  # noqa: E501
    )


SCALED = "2021/08/banjir-bandang-scaled.jpg"
PLAIN = "2021/08/pasar-pagi.jpg"
EXPORT = AUTHOR + photo(60, SCALED, SCALED_METADATA) + photo(61, PLAIN)


@pytest.fixture
def run(home, media, tmp_path):
    uploads = tmp_path / "uploads"
    for path in (SCALED, PLAIN):
        (uploads / path).parent.mkdir(parents=True, exist_ok=True)
        (uploads / path).write_bytes(jpeg_bytes(64, 48))

    def run(body=EXPORT, **options):
        export = tmp_path / "export.xml"
        export.write_text(wxr(body), encoding="utf-8")
        return import_wordpress(str(export), uploads=str(uploads), **options)

    return run


def image_of(wp_id):
    record = ImportedItem.objects.get(source=SOURCE, kind="attachment", wp_id=str(wp_id))
    return Image.objects.get(pk=record.object_id)


def test_an_uploaded_image_s_old_address_answers_301_with_its_file(run):
    run()
    client = Client()
    for path, wp_id in ((PLAIN, 61), (SCALED, 60)):
        response = client.get(f"/wp-content/uploads/{path}")
        assert response.status_code == 301, path
        assert response["Location"] == image_of(wp_id).file.url


def test_every_size_wordpress_made_and_the_unscaled_original_lead_to_the_image(run):
    run()
    client = Client()
    target = image_of(60).file.url
    for name in (
        "banjir-bandang-300x200.jpg",
        "banjir-bandang-150x150.jpg",
        "banjir-bandang-1024x683.jpg",
        "banjir-bandang.jpg",
    ):
        response = client.get(f"/wp-content/uploads/2021/08/{name}")
        assert response.status_code == 301, name
        assert response["Location"] == target
    # A size of nothing WordPress made stays unknown.
    assert client.get("/wp-content/uploads/2021/08/banjir-bandang-640x480.jpg").status_code == 404


def test_a_second_run_finds_the_addresses_unchanged(run):
    first = run()
    # The plain photo's address, the scaled one's, its three sizes and its original.
    assert first.redirects["created"] >= 6
    again = run()
    assert again.redirects["created"] == again.redirects["updated"] == 0
    assert again.redirects["unchanged"] >= 6


def test_a_dry_run_leaves_no_address_behind(run):
    run(dry_run=True)
    assert Client().get(f"/wp-content/uploads/{PLAIN}").status_code == 404


def test_the_sizes_are_read_from_the_metadata_without_unserialising_it():
    url = f"{SOURCE}/wp-content/uploads/{SCALED}"
    assert mapping.upload_variants(url, SCALED_METADATA) == [
        f"{SOURCE}/wp-content/uploads/2021/08/banjir-bandang-300x200.jpg",
        f"{SOURCE}/wp-content/uploads/2021/08/banjir-bandang-150x150.jpg",
        f"{SOURCE}/wp-content/uploads/2021/08/banjir-bandang-1024x683.jpg",
        f"{SOURCE}/wp-content/uploads/2021/08/banjir-bandang.jpg",
    ]
    # A name that would climb out of the folder, or none at all, is no address.
    hostile = 's:4:"file";s:5:"../x";s:4:"file";s:2:"..";s:4:"file";s:0:"";'
    assert mapping.upload_variants(url, hostile) == []
    assert mapping.upload_variants(url, "") == []
    assert mapping.upload_variants("", SCALED_METADATA) == []
