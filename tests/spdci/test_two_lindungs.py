"""Issue 20's must-show: two Lindungs on loopback, one per regency, each a real `lindung serve` with its own data
directory and SQLite database. Regency A (Kaur) runs the demo's story and pays person P this month; regency B
(Seluma) holds P too (he moved: same NIK) in its own programme, with this month's bill in draft, and asks A's IBR
through LINDUNG_OTHER_REGISTRIES. B's check before the bill, run over HTTP through B's API, finds that Pemkab Kaur
pays P's month, for nobody else; a second check records nothing new; with A stopped, B's check says A could not be
asked and still runs on what B knows."""

import json
import urllib.error
import urllib.request

from tests.serving import Server, free_port, in_django, wait_for

IBR = "/api/spdci/ibr/v1.0.0"
KAUR_REGISTRY = "Lindung Kab. Kaur"
WORKERS = 20  # the demo's workers in A: its story runs in full, on few people

# In A: an empty database migrated and copied for B before it holds anything (the same migrations; migrating is the
# slowest step here), then the demo's story up to today (its static files left out: this test reads no page, and
# compressing them is the demo's slowest step), P (paid by A this month, no life event), Q (enrolled by A once, not
# paid this month), and a read-only login for regency B with its API token.
SEED_A = """
import json, os, sqlite3
from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
call_command("migrate", verbosity=0)
ours, theirs = sqlite3.connect(settings.DATABASES["default"]["NAME"]), sqlite3.connect(%r)
ours.backup(theirs)
ours.close(), theirs.close()
from lindung.core.management.commands import demo
demo.collect_static = lambda: None
call_command("demo", no_serve=True, workers=%d, stdout=open(os.devnull, "w"))
from lindung.accounts.models import User
from lindung.accounts.services import issue_token, save_user
from lindung.enrolment.models import Membership
from lindung.payments.selectors import BILLED
from lindung.registry.models import Peserta
day = timezone.localdate().replace(day=1)
paying = (Membership.objects.filter(status__in=BILLED, first__lte=day, last__gte=day)
          .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day)).values("peserta_id"))
p = Peserta.objects.filter(pk__in=paying, life_events__isnull=True).order_by("nik").first()
q = Peserta.objects.filter(memberships__isnull=False).exclude(pk__in=paying).order_by("nik").first()
save_user("lindung-seluma", role="Auditor", area_code="17.04")
print(json.dumps({"token": issue_token(User.objects.get(username="lindung-seluma"), "Lindung Kab. Seluma"),
                  "people": [[w.nik, w.nama, w.jenis_kelamin, w.tanggal_lahir.isoformat()] for w in (p, q)]}))
"""

# In B (Seluma): its regions and logins, P and Q (moved from Kaur: their NIKs) and three of its own workers, its
# programme for this month planned, registered with BPJS (KPJ numbers) and running — through the demo's own steps —
# and this month's bill generated, left in draft; an API token for its operator.
SEED_B = """
import json
from datetime import date, timedelta
from django.core.management import call_command
from django.utils import timezone
call_command("migrate", verbosity=0)
from lindung.accounts.demo import demo_areas, ensure_demo_users
from lindung.accounts.models import User
from lindung.accounts.services import issue_token
from lindung.payments.services import generate_bill
from lindung.programs.demo import Year, run_year
from lindung.programs.models import Scenario
from lindung.registry.models import Pekerjaan, Peserta
from lindung.rules.nik import make_nik
from lindung.wilayah.services import load_deployment
load_deployment()
ensure_demo_users("17.05", "seluma-lindung-2026")
kecamatan, desa = demo_areas("17.05")
people = [(nik, nama, sex, date.fromisoformat(born)) for nik, nama, sex, born in %s]
people += [(make_nik(desa[:8], date(1980 + i, 5, 17), "L", 41 + i), f"Warga Seluma {i}", "L", date(1980 + i, 5, 17))
           for i in range(3)]
farmer = Pekerjaan.objects.get(code="petani")
for nik, nama, sex, born in people:
    Peserta.objects.create(nik=nik, nama=nama, jenis_kelamin=sex, tanggal_lahir=born, desa_id=desa,
                           pekerjaan_1=farmer, desil=1, miskin_ekstrem=True)
operator, admin = User.objects.get(username="operator"), User.objects.get(username="admin")
month = timezone.localdate().replace(day=1)
spec = Year(month.year, month, month, 10 * 16_800, Scenario.Kind.EVERYONE,
            ("PKS/560/DISNAKER-SELUMA/" + str(month.year), month - timedelta(days=10)))
programme = run_year("17.05", spec, operator, admin, today=month - timedelta(days=1))  # registered, no bill paid
bill = generate_bill(operator, programme, f"{month:%%Y-%%m}").bill
print(json.dumps({"programme": programme.code, "month": f"{month:%%Y-%%m}", "token": issue_token(operator),
                  "billed": sorted(bill.lines.values_list("peserta__nik", flat=True))}))
"""


def answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()
    except urllib.error.HTTPError:
        return True  # an answer, even "unhealthy"
    except OSError:
        return False
    return True


def check(port: int, token: str, programme: str, month: str, server: Server) -> dict:
    """B's check before the bill, run through B's API as its operator; an error names what B's server logged."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/programmes/{programme}/bills/{month}/check",
                                     data=b"{}", method="POST", headers={
                                         "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as e:
        raise AssertionError(f"B answered {e.code}; its server logged:\n{server.stderr()[-6000:]}") from e


def printed(out: str) -> dict:
    return json.loads(out.splitlines()[-1])  # the last line: the planner (HiGHS) prints its banner before


def findings(body: dict) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["nik"]) for f in body["findings"])


def test_regency_b_finds_before_its_bill_the_person_regency_a_already_pays(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    kaur, seluma = {"LINDUNG_REGENCY": "17.04"}, {"LINDUNG_REGENCY": "17.05"}
    (b / "data").mkdir()
    told = printed(in_django(a / "data", SEED_A % (str(b / "data" / "lindung.sqlite3"), WORKERS), kaur))
    (p, *_), (q, *_) = told["people"]
    port_a, port_b = free_port(), free_port()
    registries = f"{KAUR_REGISTRY}=http://127.0.0.1:{port_a}{IBR} {told['token']}"
    # Both start while B is seeded: starting a server is most of a minute on a busy machine.
    servers = [Server(a / "data", a, port_a, workers=1, env=kaur),
               Server(b / "data", b, port_b, workers=1, env={**seluma, "LINDUNG_OTHER_REGISTRIES": registries})]
    try:
        seeded = printed(in_django(b / "data", SEED_B % json.dumps(told["people"]), seluma))
        programme, month, token = seeded["programme"], seeded["month"], seeded["token"]
        assert p in seeded["billed"] and q in seeded["billed"] and len(seeded["billed"]) == 5
        for port in (port_a, port_b):
            wait_for(lambda port=port: answers(port), 120, f"Lindung answers on port {port}")

        first = check(port_b, token, programme, month, servers[1])
        assert first["other_registries"]["asked"] == [KAUR_REGISTRY]
        assert first["other_registries"]["not_asked"] == {} and first["other_registries"]["recorded"] >= 1
        assert findings(first) == [("other_payer", p)]  # P, for nobody else
        [found] = first["findings"]
        assert "Pemkab Kaur" in found["evidence"] and f"Registri {KAUR_REGISTRY}: program kaur-" in found["evidence"]

        second = check(port_b, token, programme, month, servers[1])
        assert (second["other_registries"]["recorded"], second["other_registries"]["withdrawn"]) == (0, 0)
        assert findings(second) == findings(first)

        servers[0].close()  # A is down
        alone = check(port_b, token, programme, month, servers[1])
        assert alone["other_registries"]["asked"] == [] and list(alone["other_registries"]["not_asked"]) == [
            KAUR_REGISTRY]
        [said] = alone["other_registries"]["messages"]
        assert said.startswith(f"Registri {KAUR_REGISTRY} tidak dapat ditanya (")
        assert said.endswith("pemberi iuran lain dari registri itu belum diperiksa.")
        assert findings(alone) == findings(first)  # the check ran on what B knows
    finally:
        for server in servers:
            server.close()
