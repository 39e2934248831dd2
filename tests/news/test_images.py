"""Article images: renditions read from Wagtail's renditions cache, written to it only
when made (Wagtail's {% image %} writes on every use: a file per image per render with
the file cache)."""

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def illustrated(section):
    image = get_image_model().objects.create(title="Banjir", file=get_test_image_file())
    body = [
        ("paragraph", "<p>Paragraf pertama.</p>"),
        ("image", {"image": image, "caption": "Air naik", "credit": "Kabar"}),
    ]
    return builders.make_article(
        section, lead_image=image, lead_image_caption="Tepi sungai", body=body
    )


def test_lead_and_body_images_show_their_renditions(client, illustrated):
    html = client.get(illustrated.url).content.decode()
    rendition = illustrated.lead_image.get_rendition("width-1200")
    small = illustrated.lead_image.get_rendition("width-640")
    assert f'src="{rendition.url}"' in html
    assert f"{small.url} 640w, {rendition.url} 1200w" in html
    assert html.count(rendition.url) >= 3  # lead src, srcset, and the body image
    assert "Air naik" in html and "Tepi sungai" in html


def test_a_render_does_not_write_renditions_it_found_in_the_cache(client, illustrated, monkeypatch):
    client.get(illustrated.url)  # renditions made and cached
    small_url = illustrated.lead_image.get_rendition("width-640").url
    model = illustrated.lead_image.get_rendition_model()
    writes = []
    backend = model.cache_backend
    monkeypatch.setattr(backend, "set", lambda *args, **kwargs: writes.append(args))
    monkeypatch.setattr(backend, "set_many", lambda *args, **kwargs: writes.append(args))
    html = client.get(illustrated.url).content.decode()
    assert small_url in html
    assert writes == []
