"""The home page's "Menunggu persetujuan Anda": what waits for this user's approval, never his own (four eyes)."""

import pytest
from django.urls import reverse

from lindung.accounts.roles import ADMIN_DINAS
from lindung.accounts.services import save_user
from lindung.core.approvals import waiting_for
from lindung.pipeline.samples import p3ke_individu, write_xlsx
from lindung.programs import services
from lindung.programs.demo import ensure_demo_programme
from lindung.programs.selectors import Settings
from lindung.registry.imports import services as imports
from lindung.registry.demo import generate_workers, villages_of
from tests.conftest import KAUR, PASSWORD, six_workers

pytestmark = pytest.mark.usefixtures("import_settings")


@pytest.fixture
def second_admin(users):
    return save_user("admin2", role=ADMIN_DINAS.name, area_code=KAUR, password=PASSWORD, first_name="Admin",
                     last_name="Kedua")


def test_the_author_does_not_see_his_own_item_another_admin_does(client, users, second_admin, tmp_path):
    author = users["admin"]
    six_workers()
    programme = ensure_demo_programme(KAUR)
    scenario = services.save_scenario(author, programme, Settings.of(programme), "full_year")
    path = write_xlsx(p3ke_individu(generate_workers(villages_of(KAUR), 3, 5, other_kecamatan=[])), tmp_path / "a.xlsx")
    batch = imports.stage(imports.create_batch(author, imports.file_chunks(path), "a.xlsx"))
    assert batch.status == batch.Status.STAGED, batch.error

    assert waiting_for(author) == []
    client.force_login(author)
    assert 'data-testid="home-approvals"' not in client.get(reverse("home")).content.decode()

    client.force_login(second_admin)
    body = client.get(reverse("home")).content.decode()
    section = body.split('data-testid="home-approvals"', 1)[1].split("</section>", 1)[0]
    assert "Menunggu persetujuan Anda" in body
    assert f'href="{reverse("programs:scenario", args=[programme.code, scenario.number])}"' in section
    assert f'href="{reverse("registry:import_detail", args=[batch.pk])}"' in section
    assert "Skenario rencana" in section and "Impor" in section and "oleh Admin Dinas" in section

    # Neither an operator (who may not approve) nor anyone once it is approved.
    assert waiting_for(users["operator"]) == [] and waiting_for(users["camat"]) == []
    services.approve_scenario(second_admin, scenario)
    assert [w.kind for w in waiting_for(second_admin)] == ["Impor"]
