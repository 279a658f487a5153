"""Walk every URL pattern and API endpoint as a camat and as a village operator: nothing from outside
their area may appear (nor, in a province deployment, anything of Kaur to another regency's regent or camat); and as the BPJS officer: nobody of the register who was never enrolled may appear. New pages join automatically
(tests/walk.py: the world and the URLs)."""

import io
import subprocess
import tempfile
import zipfile

import openpyxl
import pytest
from django.urls import NoReverseMatch, reverse

from lindung.accounts.roles import CAMAT, PIMPINAN
from lindung.accounts.services import issue_token, save_user
from lindung.enrolment.models import Membership
from lindung.registry.models import DuplicatePair, Peserta
from lindung.wilayah.models import Level, Wilayah
from lindung.wilayah.services import load_regency
from tests.conftest import BANDAR_BINTUHAN, make_peserta
from tests.walk import SKIP_NAMESPACES, kwargs_for, params_of, url_patterns


def markers(peserta) -> list[str]:
    # Whole name, NIK and village: the queries below search by parts of them, which a page may echo.
    return [peserta.nama, peserta.nik, f">{peserta.desa.name}<", f'"{peserta.desa.name}"']


def text_of(response) -> str:
    """What a person reads in a response: the page or JSON, an xlsx's cells (a zip's workbooks too), a PDF's text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"%PDF"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(content)
            f.flush()
            return subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True).stdout
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if any(n.endswith(".xlsx") for n in names):  # a zip of workbooks
                return "\n".join(_cells(archive.read(n)) for n in names if n.endswith(".xlsx"))
        return _cells(content)
    return content.decode(errors="replace")


def _cells(workbook: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True)
    return "\n".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
                     if v is not None)


def walk(client, user, token, values, *, forbidden, foreign_keys, queries, only_on=None) -> int:
    """Every page and endpoint the URL patterns hold, with every known value of their parameters: none may show a
    ``forbidden`` marker (or the markers of ``only_on``, {URL name: markers}, on those pages), and one naming a person
    of ``foreign_keys`` (his pk or NIK) must be refused. A page that answers is asked again with every query (the
    searches and filters that look for the hidden people); a refusal or a form's target, which reads no query, is not.
    Returns how many answers it read."""
    client.force_login(user)
    checked = 0
    for namespace, pattern, outer in url_patterns():
        if namespace.rstrip(":") in SKIP_NAMESPACES or pattern.name is None:
            assert pattern.name is not None or namespace, f"Unnamed URL pattern {pattern.pattern}: name it"
            continue
        name = namespace + pattern.name
        reachable = []
        for kwargs in kwargs_for(name, params_of(pattern, outer), values):
            try:  # a value the parameter's converter refuses (a dotted code for a slug) is skipped
                reachable.append((kwargs, reverse(name, kwargs=kwargs)))
            except NoReverseMatch:
                pass
        assert reachable, f"No known value fits the parameters of {name}: add one to the world"
        for kwargs, url in reachable:
            headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if url.startswith("/api/") else {}
            for query in queries:
                response = client.get(url + query, **headers)
                refused = (302, 403, 404)
                posted = response.status_code == 405
                if posted:  # a form's target: try it as the form would
                    response = client.post(url + query, **headers)
                    client.force_login(user)  # the target may have been the logout
                    refused += (400, 422)  # an empty body refused before anything is looked up
                body = text_of(response)
                for m in [*forbidden, *(only_on or {}).get(name, [])]:
                    assert m not in body, f"{name} {url}{query} as {user.username} shows {m!r}"
                # A person's key in the URL (not a scenario or version number that happens to be equal)
                if {str(v) for k, v in kwargs.items() if k in ("pk", "nik")} & foreign_keys:
                    assert response.status_code in refused, f"{url} as {user.username}: {response.status_code}"
                checked += 1
                if posted or response.status_code in refused:
                    break
    return checked


def searches(people) -> list[str]:
    """The queries that look for these people: each word of their names, their NIKs' first digits."""
    return [f"?q={part}" for p in people for part in p.nama.split()] + [f"?q={p.nik[:8]}" for p in people]


# Each walk requests every page and endpoint (hundreds, growing with the app): minutes on a loaded 2-core machine.
WALK = pytest.mark.timeout(1800)


@WALK
@pytest.mark.parametrize(
    "username, visible, hidden",
    [("camat", ["village", "kecamatan"], ["outside"]), ("desa", ["village"], ["kecamatan", "outside"])],
)
def test_no_page_or_endpoint_shows_another_areas_people(client, world, username, visible, hidden):
    users, workers, tokens, values = world
    user = users[username]
    forbidden = [m for key in hidden for m in markers(workers[key])]
    if "outside" in hidden:  # the other kecamatan's name, as a table cell or a JSON value
        forbidden += [">Kinal<", '"Kinal"']
    foreign_keys = {str(v) for key in hidden for v in (workers[key].pk, workers[key].nik)}
    queries = [""] + searches([workers[k] for k in hidden]) + [
        f"?parent={workers[k].kecamatan_code}" for k in hidden] + [
        f"?kecamatan={workers[k].kecamatan_code}&desa={workers[k].desa_id}" for k in hidden
    ]
    checked = walk(client, user, tokens[username], values, forbidden=forbidden, foreign_keys=foreign_keys,
                   queries=queries)
    # Nothing the walk posted changed the outsider.
    assert Peserta.objects.filter(pk=workers["outside"].pk).exists()
    assert DuplicatePair.objects.filter(decision="pending").count() == 1
    assert checked > 50  # the walk really walked

    # And the user does see their own people where they look for them.
    for key in visible:
        assert client.get(reverse("registry:detail", kwargs={"pk": workers[key].pk})).status_code == 200
        found = client.post("/api/workers/search", {"q": workers[key].nik[:8]}, content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {tokens[username]}")
        assert workers[key].nik in found.content.decode()


# The outbox's pages: the BPJS officer may not read the phone numbers of the messages.
OUTBOX = ("notify:outbox", "notify:outbox_xlsx", "selfpay:outbox")


def test_the_bpjs_officer_sees_members_never_the_register_of_people_never_enrolled(client, world):
    """The BPJS officer reads the whole regency's members and what concerns them (registration files, answers,
    bills, claims); a person in the register who was never enrolled (his NIK, name, family card, address) appears
    on no page, in no file and on no endpoint, and the outbox's phone numbers on none of its pages."""
    users, workers, tokens, values = world
    bpjs = users["bpjs"]
    token = issue_token(bpjs)
    never = make_peserta(BANDAR_BINTUHAN, "Rina Takterdaftar", sex="P", serial=14)  # after the plan: no membership
    Peserta.objects.filter(pk=never.pk).update(no_kk="1704050101990014", alamat="Lorong Rahasia 9",
                                               telepon="089912345678")
    assert not Membership.objects.filter(peserta=never).exists()
    values = {**values, "pk": [*values["pk"], never.pk], "nik": [*values["nik"], never.nik]}
    forbidden = [never.nama, never.nik, "1704050101990014", "Lorong Rahasia 9", "089912345678"]
    checked = walk(client, bpjs, token, values, forbidden=forbidden, foreign_keys={str(never.pk), never.nik},
                   queries=["", *searches([never]), f"?desa={never.desa_id}"],
                   only_on={name: ["081234567890"] for name in OUTBOX})
    assert checked > 50

    # The API's searches by body: nothing of him, while the members are there.
    api = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {token}"}
    for q in (never.nik, never.nik[:8], "Takterdaftar"):
        body = client.post("/api/workers/search", {"q": q}, **api).content.decode()
        assert never.nik not in body and never.nama not in body
    assert client.post("/api/workers/find", {"nik": never.nik}, **api).status_code == 404
    assert client.post("/api/workers/coverage", {"nik": never.nik}, **api).status_code == 404
    member = workers["outside"]
    assert client.post("/api/workers/find", {"nik": member.nik}, **api).status_code == 200
    client.force_login(bpjs)
    assert client.get(reverse("registry:detail", kwargs={"pk": member.pk})).status_code == 200
    assert client.get(reverse("registry:detail", kwargs={"pk": never.pk})).status_code == 404


@WALK
@pytest.mark.parametrize("role", [PIMPINAN, CAMAT], ids=["regent", "camat"])
def test_a_regency_office_of_the_same_province_sees_nothing_of_another_regency(client, world, settings, role):
    """A province deployment (Kaur and Seluma of Bengkulu): Seluma's regent, and a camat of Seluma, walk every page and
    endpoint and find none of Kaur's people, its kecamatan's names, nor anyone behind Kaur's keys; the camat neither
    Seluma's worker of another kecamatan, whom the regent finds. The world's programme, made before the deployment
    served the province, is now the province's, which they read with only their own people in it."""
    users, workers, tokens, values = world
    settings.LINDUNG_REGENCY = "17.04,17.05"
    load_regency("17.05")
    first, second = Wilayah.objects.filter(parent_id="17.05", level=Level.KECAMATAN).order_by("code")[:2]
    neighbour = make_peserta(Wilayah.objects.filter(parent=second).order_by("code").first().code, "Wati Selumalain",
                             sex="P", serial=21)
    area = "17.05" if role is PIMPINAN else first.code
    user = save_user(f"seluma-{role.name.lower()}", role=role.name, area_code=area)
    hidden = [*workers.values(), *([neighbour] if role is CAMAT else [])]
    forbidden = [m for p in hidden for m in markers(p)] + [">Kinal<", '"Kinal"', ">Kaur Selatan<"]
    if role is CAMAT:
        forbidden += [f">{second.name}<", f'"{second.name}"']
    foreign_keys = {str(v) for p in hidden for v in (p.pk, p.nik)}
    queries = ["", *searches(hidden), "?parent=17.04", "?kecamatan=17.04.05", f"?kecamatan={second.code}"]
    checked = walk(client, user, issue_token(user), {**values, "pk": [*values["pk"], neighbour.pk],
                                                        "nik": [*values["nik"], neighbour.nik]},
                   forbidden=forbidden, foreign_keys=foreign_keys, queries=queries)
    assert checked > 50
    client.force_login(user)
    answer = client.get(reverse("registry:detail", kwargs={"pk": neighbour.pk}))
    assert answer.status_code == (200 if role is PIMPINAN else 404)


def test_the_walk_reaches_the_api_and_the_registry():
    names = {ns + p.name for ns, p, _ in url_patterns() if p.name}
    assert {"api:workers", "api:worker", "api:worker_coverage", "api:regions", "api:region", "registry:list", "registry:detail", "home"} <= names


def test_an_office_user_sees_everyone(client, world):
    users, workers, *_ = world
    client.force_login(users["admin"])
    for p in workers.values():
        assert client.get(reverse("registry:detail", kwargs={"pk": p.pk})).status_code == 200


def test_a_user_without_role_or_area_sees_nothing(client, world, django_user_model):
    users, workers, *_ = world
    nobody = django_user_model.objects.create_user("tanpaperan", password="x" * 12)
    client.force_login(nobody)
    body = client.get("/peserta/?q=Luarwilayah").content.decode()
    assert "Joko Luarwilayah" not in body
    assert client.get(reverse("registry:detail", kwargs={"pk": workers["village"].pk})).status_code == 404
