"""Responsive pictures: the renditions each image slot is shown at, in AVIF, WebP and the
original's own format, read without rewriting Wagtail's renditions cache on every render."""

from io import BytesIO

from PIL import Image
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_renditions_or_not_found

# The widths an image is made at for each place it is shown. Cards are cropped to 16:9 so
# that a front's grid lines up; article images keep their own shape.
SLOTS = {
    "column": ("width-320", "width-640", "width-960", "width-1200"),
    "card": ("fill-320x180", "fill-640x360", "fill-960x540"),
    "portrait": ("fill-96x96", "fill-192x192", "fill-288x288"),
}
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp"}


def _can_write(image_format):
    """Whether this Pillow encodes `image_format`: a Pillow built without libavif has no AVIF
    encoder, and a <source> it cannot fill would be a broken image."""
    try:
        Image.new("RGB", (8, 8)).save(BytesIO(), image_format)
    except (KeyError, OSError, ValueError):
        return False
    return True


# Checked once, when the process starts; the browser takes the first source it accepts.
MODERN_FORMATS = tuple(fmt for fmt in ("avif", "webp") if _can_write(fmt.upper()))


def slot_specs(slot):
    """Every filter spec a picture in `slot` uses (to prefetch them in one query)."""
    specs = list(SLOTS[slot])
    for fmt in MODERN_FORMATS:
        specs += [f"{spec}|format-{fmt}" for spec in SLOTS[slot]]
    return specs


def _renditions(image, specs):
    """The renditions for `specs`, in order. A full hit in Wagtail's renditions cache is not
    written back (Wagtail's own tags write on every use: a file per render with the file
    cache); prefetched renditions are used as they are; anything missing goes Wagtail's way."""
    filters = [image.clean_filter_for_svg(Filter(spec=spec)) for spec in specs]
    if image._get_prefetched_renditions() is None:
        model = image.get_rendition_model()
        keys = {
            model.construct_cache_key(image, f.get_cache_key(image), f.spec): f.spec
            for f in filters
        }
        found = {keys[key]: r for key, r in model.cache_backend.get_many(list(keys)).items()}
        if len(found) == len(filters):
            for rendition in found.values():
                rendition.image = image
            return [found[f.spec] for f in filters]
    renditions = get_renditions_or_not_found(image, filters)
    return [renditions[f.spec] for f in filters]


def _distinct_widths(renditions):
    """A small original is not enlarged, so several specs can give the same width: one each,
    the largest spec's (the one feeds and structured data link to)."""
    seen = {}
    for rendition in renditions:
        seen[rendition.width] = rendition
    return list(seen.values())


def _srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)


def picture(image, slot):
    """What components/picture.html shows for `image` in `slot`: a <source> per modern
    format and the fallback <img> (its largest rendition, srcset of all)."""
    sizes = SLOTS[slot]
    renditions = _renditions(image, slot_specs(slot))
    fallback = _distinct_widths(renditions[: len(sizes)])
    sources = []
    for index, fmt in enumerate(MODERN_FORMATS, start=1):
        group = _distinct_widths(renditions[index * len(sizes) : (index + 1) * len(sizes)])
        sources.append({"type": MIME_TYPES[fmt], "srcset": _srcset(group)})
    return {"sources": sources, "img": fallback[-1], "srcset": _srcset(fallback)}


# What an article's lead image is also shared as (kabar/news/seo.py): Open Graph's and
# Twitter's large card, 1.91:1, the size Facebook and X ask for; and Google's article
# images, 16:9, 4:3 and 1:1, each of at least 50,000 pixels.
SHARE_IMAGE_SPEC = "fill-1200x630"
ARTICLE_IMAGE_SPECS = ("fill-1200x675", "fill-1200x900", "fill-1200x1200")
SHARING_SPECS = (SHARE_IMAGE_SPEC, *ARTICLE_IMAGE_SPECS)


def make_renditions(image, slots=tuple(SLOTS)):
    """Make `image`'s renditions for `slots`, and those it is shared as, ahead of its first
    reader (AVIF is slow to encode: about a second per width here), e.g. when the demo or
    an import stores it."""
    specs = [spec for slot in slots for spec in slot_specs(slot)]
    return get_renditions_or_not_found(image, [*specs, *SHARING_SPECS])
