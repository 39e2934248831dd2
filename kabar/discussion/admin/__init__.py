"""The moderators' desk in Wagtail's admin: its views, its menu and listings (desk), and
the delivery log of outgoing mail (deliveries)."""
