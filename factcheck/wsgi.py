import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
application = get_wsgi_application()

from claims.services.embeddings import embedder_warm_up_start  # noqa: E402 (needs Django set up)

embedder_warm_up_start()
