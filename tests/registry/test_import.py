"""The registry import end to end on real files: staged, reported, approved by another admin, atomic."""

import json
import threading
from datetime import date

import openpyxl
import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone

from lindung.audit.models import Event
from lindung.pipeline.samples import p3ke_individu, plant_defects, write_xlsx
from lindung.programs.models import Programme
from lindung.registry.imports import services as imports
from lindung.registry.demo import generate_workers, villages_of
from lindung.registry.models import DismissedPair, DuplicatePair, ImportBatch, Peserta

pytestmark = pytest.mark.usefixtures("import_settings")


@pytest.fixture
def people(kaur):
    villages = villages_of("17.04")
    return generate_workers(villages, 40, 99, other_kecamatan=[])


def stage_file(user, frame, tmp_path, name="p3ke.xlsx", **kwargs) -> ImportBatch:
    path = write_xlsx(frame, tmp_path / name, **kwargs)
    return imports.stage(imports.create_batch(user, imports.file_chunks(path), name))


def test_a_clean_p3ke_file_goes_in_untouched_after_approval(users, people, tmp_path):
    frame = p3ke_individu(people)
    batch = stage_file(users["operator"], frame, tmp_path, title_rows=["DATA P3KE KABUPATEN KAUR", "Sumber: Kemenko PMK"])
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    assert batch.source == "p3ke_individu"
    assert batch.report["rows"] == 40 and batch.report["errors"] == 0 and batch.report["to_insert"] == 40
    assert not Peserta.objects.exists()  # staged, not committed

    batch = imports.approve(users["admin"], batch)
    assert batch.report["inserted"] == 40
    for person in people:
        saved = Peserta.objects.get(nik=person["nik"])
        assert (saved.nama, saved.tanggal_lahir, saved.desa_id, saved.jenis_kelamin) == (
            person["nama"].upper(), person["tanggal_lahir"], person["desa_id"], person["jenis_kelamin"])
        assert saved.pekerjaan_1.code == person["pekerjaan_1"] and saved.sumber == "P3KE"
    committed = Event.objects.get(action="registry.import_committed")
    assert committed.actor == users["admin"] and batch.sha256[:16] in committed.summary
    assert Peserta.history.filter(history_change_reason=f"impor #{batch.number}").count() == 40


def test_planted_defects_give_exactly_those_findings(users, people, tmp_path):
    frame, number_cells, expected = plant_defects(p3ke_individu(people[:14]))
    batch = stage_file(users["operator"], frame, tmp_path, number_cells=number_cells)
    assert batch.status == ImportBatch.Status.STAGED, batch.error
    errors = {(f["row"], f["column"], f["code"]) for f in imports.findings(batch).iter_rows(named=True) if f["severity"] == "error"}
    assert errors == expected
    assert batch.report["valid"] == 2 and batch.report["rows"] == 14

    # The findings workbook marks the offending cells.
    path = tmp_path / "temuan.xlsx"
    path.write_bytes(imports.findings_workbook(batch))
    book = openpyxl.load_workbook(path)
    assert [c.value for c in book["Temuan"][1]] == ["Baris", "Kolom", "Tingkat", "Pesan"]
    data = book["Data"]
    headers = [c.value for c in data[1]]
    assert data.cell(row=2, column=headers.index("NIK") + 1).fill.fgColor.rgb.endswith("F4C7C3")
    assert data.cell(row=13, column=headers.index("NIK") + 1).fill.fgColor.rgb in ("00000000", None)

    imports.approve(users["admin"], batch)
    assert Peserta.objects.count() == 2  # only the valid rows


def test_an_existing_worker_is_updated_with_history_not_duplicated(users, people, tmp_path):
    first = stage_file(users["operator"], p3ke_individu(people[:3]), tmp_path, "a.xlsx")
    imports.approve(users["admin"], first)
    changed = [dict(people[0], alamat="Dusun Baru RT 001")] + people[3:5]
    second = stage_file(users["operator"], p3ke_individu(changed), tmp_path, "b.xlsx")
    assert (second.report["to_insert"], second.report["to_update"]) == (2, 1)
    imports.approve(users["admin"], second)
    assert Peserta.objects.count() == 5
    worker = Peserta.objects.get(nik=people[0]["nik"])
    assert worker.alamat == "Dusun Baru RT 001"
    assert [h.alamat for h in worker.history.order_by("history_date")][-2:] == [people[0]["alamat"], "Dusun Baru RT 001"]


def test_a_mistyped_nik_goes_to_review_and_a_dismissal_is_final(users, people, tmp_path):
    imports.approve(users["admin"], stage_file(users["operator"], p3ke_individu(people[:1]), tmp_path, "a.xlsx"))
    twin = dict(people[0])
    serial = int(twin["nik"][12:]) % 9999 + 1
    twin["nik"] = twin["nik"][:12] + f"{serial:04d}"  # same person, another serial typed
    batch = stage_file(users["operator"], p3ke_individu([twin]), tmp_path, "b.xlsx")
    assert batch.report["probable_duplicates"] == 1
    imports.approve(users["admin"], batch)
    pair = DuplicatePair.objects.get()
    imports.dismiss(users["operator"], pair.pk)
    assert DismissedPair.objects.filter(nik_a=pair.nik_a, nik_b=pair.nik_b).exists()
    again = stage_file(users["operator"], p3ke_individu([twin]), tmp_path, "c.xlsx")
    assert again.report["probable_duplicates"] == 0


def test_confirming_the_same_person_merges_and_keeps_both_in_history(users, people, tmp_path):
    imports.approve(users["admin"], stage_file(users["operator"], p3ke_individu(people[:1]), tmp_path, "a.xlsx"))
    twin = dict(people[0], nik=people[0]["nik"][:12] + "9998", telepon="081299990000")
    imports.approve(users["admin"], stage_file(users["operator"], p3ke_individu([twin]), tmp_path, "b.xlsx"))
    pair = DuplicatePair.objects.get()
    kept = imports.confirm_same_person(users["admin"], pair.pk, keep=people[0]["nik"])
    assert list(Peserta.objects.values_list("nik", flat=True)) == [people[0]["nik"]]
    assert Peserta.history.filter(nik=twin["nik"], history_type="-").exists()  # the other record, kept in history
    assert kept.history.count() >= 2


def test_only_another_admin_approves_and_a_camat_cannot_upload(users, people, tmp_path):
    batch = stage_file(users["admin"], p3ke_individu(people[:2]), tmp_path)
    with pytest.raises(PermissionDenied):
        imports.approve(users["admin"], batch)  # the uploader
    with pytest.raises(PermissionDenied):
        imports.approve(users["operator"], batch)  # not an Admin Dinas
    with pytest.raises(PermissionDenied):
        imports.create_batch(users["camat"], imports.file_chunks(tmp_path / "p3ke.xlsx"), "p3ke.xlsx")
    assert not Peserta.objects.exists()


def test_a_crash_during_the_commit_leaves_the_registry_as_it_was(users, people, tmp_path):
    batch = stage_file(users["operator"], p3ke_individu(people[:5]), tmp_path)
    staged = imports.batch_dir(batch) / "staged.parquet"
    frame = pl.read_parquet(staged)
    pl.concat([frame, frame.head(1)]).write_parquet(staged)  # the same NIK twice: the insert fails half way
    with pytest.raises(IntegrityError):
        imports.approve(users["admin"], batch)
    assert not Peserta.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STAGED


@pytest.mark.parametrize(
    "content, code",
    [(b"", "kosong"), (b"%PDF-1.7 not a spreadsheet", "PDF"), (bytes(range(256)) * 10, "")],
)
def test_hostile_files_end_in_a_clear_message_and_change_nothing(users, tmp_path, content, code):
    path = tmp_path / "p3ke.xlsx"
    path.write_bytes(content)
    batch = imports.stage(imports.create_batch(users["operator"], imports.file_chunks(path), "p3ke.xlsx"))
    assert batch.status == ImportBatch.Status.FAILED
    assert code in batch.error and len(batch.error) > 20
    assert not Peserta.objects.exists()


def test_unknown_columns_ask_for_a_mapping_and_the_mapping_works(users, people, tmp_path):
    frame = p3ke_individu(people[:3]).rename({"NIK": "Nomor KTP Warga", "Kode Kemdagri": "Kd Wil"})
    batch = stage_file(users["operator"], frame, tmp_path)
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    assert "nik" in batch.report["missing_required"] and "Nomor KTP Warga" in batch.headers
    batch = imports.stage(imports.restage(users["operator"], batch, {"nik": "Nomor KTP Warga", "kode_desa": "Kd Wil"}))
    assert batch.status == ImportBatch.Status.STAGED and batch.report["errors"] == 0


def test_formula_injection_is_neutralised_in_the_findings_export(users, people, tmp_path):
    frame = p3ke_individu(people[:2]).with_columns(pl.Series("Nama", ["=HYPERLINK(\"http://x\")", "@SUM(A1)"]))
    batch = stage_file(users["operator"], frame, tmp_path)
    path = tmp_path / "temuan.xlsx"
    path.write_bytes(imports.findings_workbook(batch))
    data = openpyxl.load_workbook(path)["Data"]
    names = [row[0].value for row in data.iter_rows(min_row=2, min_col=[c.value for c in data[1]].index("Nama") + 1)]
    assert names[:2] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    assert all(cell.data_type != "f" for row in data.iter_rows() for cell in row)


def test_cli_dry_run_prints_one_json_object_and_stores_nothing(users, people, tmp_path, capsys):
    frame = p3ke_individu(people[:4])
    names = frame["NIK"].to_list()
    frame = frame.with_columns(pl.Series("NIK", [names[0][:10]] + names[1:]))
    path = tmp_path / "p3ke.csv"
    frame.write_csv(path, separator=";")
    call_command("import", str(path), "--dry-run", "--json")
    out = json.loads(capsys.readouterr().out)
    assert {"rows", "valid", "errors", "warnings", "duplicate_nik", "probable_duplicates", "inserted", "updated",
            "seconds"} <= out.keys()
    assert out["rows"] == 4 and out["valid"] == 3 and out["inserted"] == 0
    assert out["errors"] == [{"row": 2, "column": "NIK", "code": "nik_length", "message": out["errors"][0]["message"]}]
    assert not ImportBatch.objects.exists() and not Peserta.objects.exists()


def test_cli_stages_and_another_admin_approves(users, people, tmp_path, capsys, django_user_model):
    path = write_xlsx(p3ke_individu(people[:3]), tmp_path / "p3ke.xlsx")
    call_command("import", str(path), "--user", "operator", "--json")
    batch_id = json.loads(capsys.readouterr().out)["import"]
    call_command("import", "--approve", str(batch_id), "--user", "admin", "--json")
    assert json.loads(capsys.readouterr().out)["inserted"] == 3
    assert Peserta.objects.count() == 3


def test_an_unexpected_failure_marks_the_import_failed_not_running(users, people, tmp_path):
    path = write_xlsx(p3ke_individu(people[:2]), tmp_path / "p3ke.xlsx")
    batch = imports.create_batch(users["operator"], imports.file_chunks(path), "p3ke.xlsx", source="template")
    (imports.batch_dir(batch) / "upload").unlink()  # the stored upload vanished: not a reading problem
    batch = imports.stage(batch)
    assert batch.status == ImportBatch.Status.FAILED and f"#{batch.number}" in batch.error


def test_ages_are_taken_on_the_start_of_the_programme_the_import_feeds(users, settings):
    """Not 1 January of next year for a programme of this year: a running programme takes new people from this
    month, a coming one from its start; without either, next year's programme still to be made."""
    settings.LINDUNG_PROGRAMME_START = ""
    this_month = timezone.localdate().replace(day=1)
    assert imports.programme_start() == date(this_month.year + 1, 1, 1)
    running = Programme.objects.create(code="jalan", name="berjalan", year=this_month.year,
                                       start=date(this_month.year, 1, 1), end=date(this_month.year, 12, 1))
    assert imports.programme_start() == this_month
    running.end = date(this_month.year - 1, 12, 1)  # over: the next one counts
    running.save()
    Programme.objects.create(code="datang", name="akan datang", year=this_month.year + 1,
                             start=date(this_month.year + 1, 3, 1), end=date(this_month.year + 1, 12, 1))
    assert imports.programme_start() == date(this_month.year + 1, 3, 1)
    settings.LINDUNG_PROGRAMME_START = "2025-01-01"  # the office's own day wins
    assert imports.programme_start() == date(2025, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_two_uploads_at_once_get_two_numbers(users):
    """On PostgreSQL two transactions would read the same highest number; next_number locks the table against
    other writers, so the second waits and takes the next one (SQLite serialises writes by itself)."""
    from django.db import connection, connections, transaction

    taken, failed = [], []
    inside = threading.Barrier(2, timeout=10)

    def upload(name):
        try:
            with transaction.atomic():
                inside.wait()  # both transactions are open before either takes a number
                taken.append(ImportBatch.objects.create(uploaded_by=users["operator"], filename=name,
                                                        sha256="0" * 64).number)
        except Exception as e:  # noqa: BLE001 — the test reports whatever went wrong
            failed.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload, args=(f"{i}.xlsx",)) for i in range(2)]
    if connection.vendor == "sqlite":  # a second writer waits on the database lock and may time out: one at a time
        inside = threading.Barrier(1)
        for t in threads:
            t.start()
            t.join()
    else:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not failed and sorted(taken) == [1, 2]


def test_two_staged_imports_of_the_same_people_the_second_is_checked_again_then_approved(users, people, tmp_path):
    first = stage_file(users["operator"], p3ke_individu(people[:3]), tmp_path, "a.xlsx")
    moved = [dict(people[0], alamat="Dusun Baru RT 002")] + people[1:5]
    second = stage_file(users["operator"], p3ke_individu(moved), tmp_path, "b.xlsx")
    assert (second.report["to_insert"], second.report["to_update"]) == (5, 0)  # checked before the first went in
    imports.approve(users["admin"], first)

    with pytest.raises(imports.RegisterChanged) as refused:  # not an IntegrityError: checked again instead
        imports.approve(users["admin"], second)
    assert "2 baru, 3 diperbarui" in " ".join(refused.value.messages)
    second.refresh_from_db()
    assert second.status == ImportBatch.Status.STAGED
    assert (second.report["to_insert"], second.report["to_update"]) == (2, 3)
    assert second.report["rechecked"] == {"now_in_register": 3, "no_longer_in_register": 0}
    assert Peserta.objects.count() == 3  # nothing of the second written yet
    assert Event.objects.filter(action="registry.import_rechecked").exists()

    second = imports.approve(users["admin"], second)  # approved again, on the new check
    assert (second.report["inserted"], second.report["updated"]) == (2, 3)
    assert Peserta.objects.count() == 5
    worker = Peserta.objects.get(nik=people[0]["nik"])
    assert worker.alamat == "Dusun Baru RT 002"
    assert [h.history_type for h in worker.history.order_by("history_id")] == ["+", "~"]
    assert Peserta.history.filter(history_change_reason=f"impor #{second.number}").count() == 5


def test_a_register_change_since_the_check_is_checked_again_even_without_a_conflict(users, people, tmp_path):
    batch = stage_file(users["operator"], p3ke_individu(people[:2]), tmp_path, "a.xlsx")
    imports.approve(users["admin"], stage_file(users["operator"], p3ke_individu(people[2:4]), tmp_path, "b.xlsx"))
    with pytest.raises(imports.RegisterChanged):  # other people went in: probable duplicates are looked for again
        imports.approve(users["admin"], batch)
    batch.refresh_from_db()
    assert batch.report["rechecked"] == {"now_in_register": 0, "no_longer_in_register": 0}
    assert imports.approve(users["admin"], batch).report["inserted"] == 2


def test_a_worker_merged_away_since_the_check_is_inserted_again_not_lost(users, people, tmp_path):
    imports.approve(users["admin"], stage_file(users["operator"], p3ke_individu(people[:1]), tmp_path, "a.xlsx"))
    twin = dict(people[0], nik=people[0]["nik"][:12] + "9998")
    imports.approve(users["admin"], stage_file(users["operator"], p3ke_individu([twin]), tmp_path, "b.xlsx"))
    update = stage_file(users["operator"], p3ke_individu([dict(twin, alamat="Dusun Lain")]), tmp_path, "c.xlsx")
    assert update.report["to_update"] == 1
    imports.confirm_same_person(users["admin"], DuplicatePair.objects.get().pk, keep=people[0]["nik"])
    with pytest.raises(imports.RegisterChanged):
        imports.approve(users["admin"], update)
    update.refresh_from_db()
    assert update.report["rechecked"] == {"now_in_register": 0, "no_longer_in_register": 1}
    assert (update.report["to_insert"], update.report["to_update"]) == (1, 0)


def test_cli_approval_of_a_file_the_register_overtook_says_so_without_a_traceback(users, people, tmp_path, capsys):
    first = stage_file(users["operator"], p3ke_individu(people[:3]), tmp_path, "a.xlsx")
    second = stage_file(users["operator"], p3ke_individu(people[:4]), tmp_path, "b.xlsx")
    call_command("import", "--approve", str(first.number), "--user", "admin", "--json")
    capsys.readouterr()
    with pytest.raises(CommandError, match="1 baru, 3 diperbarui"):
        call_command("import", "--approve", str(second.number), "--user", "admin", "--json")
    call_command("import", "--approve", str(second.number), "--user", "admin", "--json")
    out = json.loads(capsys.readouterr().out)
    assert (out["inserted"], out["updated"]) == (1, 3) and Peserta.objects.count() == 4


def test_the_same_file_uploaded_again_is_flagged(users, people, tmp_path, capsys):
    path = write_xlsx(p3ke_individu(people[:2]), tmp_path / "a.xlsx")
    first = imports.stage(imports.create_batch(users["operator"], imports.file_chunks(path), "a.xlsx"))
    assert first.report["same_file_as"] is None
    again = imports.stage(imports.create_batch(users["operator"], imports.file_chunks(path), "lagi.xlsx"))
    assert again.report["same_file_as"] == {"number": first.number, "status": "staged"}
    imports.reject(users["admin"], first, "salah berkas")
    call_command("import", str(path), "--user", "operator")
    assert f"Berkas ini sama dengan impor #{again.number}" in capsys.readouterr().out  # a rejected one is not named
