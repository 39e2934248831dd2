"""Who a commenter is to Kabar, and how far their comments are trusted."""

from .models import Comment, Commenter, CommentStatus


def commenter_for(author):
    """The Commenter row for an author's email, created on first sight."""
    email = author.email.strip().lower()
    commenter, created = Commenter.objects.get_or_create(
        email=email, defaults={"name": author.name}
    )
    if not created and commenter.name != author.name:
        Commenter.objects.filter(pk=commenter.pk).update(name=author.name)
    return commenter


def status_for_author(commenter, author, rules):
    """(status, reasons) from who is writing. WordPress's rule for now: staff and
    commenters with an approved comment under the same name and email are published."""
    user = author.user
    if user is not None and getattr(user, "is_authenticated", False) and user.is_staff:
        return CommentStatus.APPROVED, [{"rule": "staff", "effect": "approve", "detail": ""}]
    known = Comment.objects.filter(
        commenter=commenter, author_name=author.name, status=CommentStatus.APPROVED
    ).exists()
    if known:
        return CommentStatus.APPROVED, [
            {"rule": "known_commenter", "effect": "approve", "detail": ""}
        ]
    return CommentStatus.PENDING, [{"rule": "first_comment", "effect": "hold", "detail": ""}]
