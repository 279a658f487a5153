from django.conf import settings

from lindung.registry.import_selectors import IMPORT_READERS
from lindung.wilayah.models import Wilayah


def lindung(request):
    regency = Wilayah.objects.filter(code=settings.LINDUNG_REGENCY).values_list("name", flat=True).first()
    return {"regency_name": regency or settings.LINDUNG_REGENCY, "import_roles": IMPORT_READERS}
