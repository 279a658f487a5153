"""The home's register counts (registry.selectors.summary, read from one index of village, sex and occupation) and
the chart of people per village (core.dashboard.people_by_village) say what plain counts of the register say, for
the office and within a camat's and a village operator's area."""

from collections import Counter

from django.db.models import Count

from lindung.core.dashboard import people_by_village
from lindung.registry.models import Peserta
from lindung.registry.selectors import summary
from tests.conftest import BANDAR_BINTUHAN, KINAL_VILLAGE, OTHER_VILLAGE_KAUR_SELATAN, make_peserta


def test_the_register_counts_equal_plain_counts_in_each_area(users):
    people = [(BANDAR_BINTUHAN, "P", "petani"), (BANDAR_BINTUHAN, "L", "nelayan"), (BANDAR_BINTUHAN, "P", "nelayan"),
              (OTHER_VILLAGE_KAUR_SELATAN, "L", "petani"), (KINAL_VILLAGE, "P", "buruh-tani"),
              (KINAL_VILLAGE, "L", "nelayan"), (KINAL_VILLAGE, "L", "nelayan")]
    for i, (desa, sex, job) in enumerate(people):
        make_peserta(desa, f"Warga {i}", sex=sex, serial=60 + i, job=job)
    Peserta.objects.filter(nama="Warga 6").update(pekerjaan_1=None)  # listed without a work
    for username, area in (("admin", "17.04"), ("camat", "17.04.05"), ("desa", BANDAR_BINTUHAN)):
        theirs = Peserta.objects.filter(desa__code__startswith=area)
        found = summary(users[username])
        assert found["total"] == theirs.count()
        assert [(code, n) for code, _name, n in found["kecamatan"]] == sorted(
            Counter(p.desa_id[:8] for p in theirs).items())
        assert found["sex"] == dict(Counter(theirs.values_list("jenis_kelamin", flat=True)))
        jobs = dict(theirs.values_list("pekerjaan_1__name").annotate(n=Count("pk")).values_list("pekerjaan_1__name", "n"))
        assert dict(found["pekerjaan"]) == jobs
        assert [n for _job, n in found["pekerjaan"]] == sorted(jobs.values(), reverse=True)
        assert people_by_village(users[username]) == list(
            theirs.values_list("desa__name").annotate(n=Count("pk")).order_by("desa__name").values_list("desa__name", "n"))
