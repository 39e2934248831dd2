"""Keep an article's denormalised section in step when an editor moves it."""

from django.dispatch import receiver
from wagtail.signals import post_page_move

from .models import ArticlePage, SectionPage


@receiver(post_page_move)
def article_moved(sender, instance, parent_page_after, **kwargs):
    if not issubclass(sender, ArticlePage):
        return
    section_id = parent_page_after.pk if parent_page_after.specific_class is SectionPage else None
    ArticlePage.objects.filter(pk=instance.pk).update(section_id=section_id)
