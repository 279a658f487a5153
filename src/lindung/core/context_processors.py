from django.conf import settings

from lindung.wilayah.models import Wilayah


def lindung(request):
    regency = Wilayah.objects.filter(code=settings.LINDUNG_REGENCY).values_list("name", flat=True).first()
    return {"regency_name": regency or settings.LINDUNG_REGENCY}
