"""{% responsive_picture %}: an image as a <picture> with modern formats, srcset and sizes."""

from django import template

from kabar.news import pictures

register = template.Library()


@register.inclusion_tag("components/picture.html")
def responsive_picture(image, slot, sizes, alt="", eager=False, high=None, css_class=""):
    """{% responsive_picture image "column" sizes="..." alt="..." eager=True %}.

    `sizes` says how wide the slot is drawn (the caller's layout knows). The first image of
    a page is `eager` (and fetched at high priority unless `high=False`); the rest load lazily
    and decode off the main thread."""
    if not image:
        return {"picture": None}
    return {
        "picture": pictures.picture(image, slot),
        "sizes": sizes,
        "alt": alt,
        "eager": eager,
        "high": eager if high is None else high,
        "css_class": css_class,
    }
