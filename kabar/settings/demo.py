"""Settings for `kabar demo`: the development data and key, served as production serves."""

from .dev import *  # noqa: F403

# A newcomer's first look is the real thing: production's error pages, static files
# collected with hashed names and compressed copies (WhiteNoise), the page cache on.
DEBUG = False
WHITENOISE_USE_FINDERS = False
# No web server in front to serve uploaded images.
KABAR_SERVE_MEDIA = True
