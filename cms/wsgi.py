import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# What the start-up loaded (Django, Wagtail, the models) lives as long as the process. Frozen (the documented
# gc.freeze), the garbage collector no longer walks it at each full collection; the requests' own objects are
# collected as before.
gc.collect()
gc.freeze()
