import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waymark.config.settings")
application = get_wsgi_application()

from waymark.core.startup import settle_after_loading  # noqa: E402 (needs the settings above)

settle_after_loading()
