"""Pages of the import: upload, live progress, report, mapping, approval; the review queue; the template."""


from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from lindung.accounts.roles import can
from lindung.core.downloads import attachment, on_record
from lindung.core.forms import UploadField
from lindung.pipeline.schema import FIELDS, REQUIRED
from lindung.wilayah import deployment

from . import selectors, services
from ..models import DuplicatePair, ImportBatch
from ..tasks import stage_import
from .template_xlsx import build_template

SOURCES = [("auto", gettext_lazy("Detect automatically")), ("p3ke_individu", "P3KE individu"),
           ("p3ke_keluarga", "P3KE keluarga"), ("dtsen", "DTSEN"), ("template", gettext_lazy("Lindung template"))]


class UploadForm(forms.Form):
    file = UploadField(label=gettext_lazy("Spreadsheet (xlsx, xls, ods, csv)"))
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=SOURCES, initial="auto")


def _batch(user, pk) -> ImportBatch:
    try:
        return selectors.imports_for(user).get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404


@login_required
def import_list(request):
    batches = selectors.imports_for(request.user)[:30]
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.create_batch(request.user, upload.chunks(), upload.name, source=form.cleaned_data["source"])
        stage_import.enqueue(batch.pk)
        return redirect("registry:import_detail", pk=batch.pk)
    return render(request, "registry/import_list.html",
                  {"batches": batches, "form": form, "ages_on": services.programme_start()})


@login_required
def import_detail(request, pk: int):
    batch = _batch(request.user, pk)
    running = batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING)
    if request.htmx and not running:
        return HttpResponseClientRefresh()  # the check is done: show the whole report
    same = (batch.report or {}).get("same_file_as")
    context = {"batch": batch, "can_decide": _can_decide(request.user, batch),
               "same_file": selectors.imports_for(request.user).filter(number=same["number"]).first() if same else None}
    if batch.status in (ImportBatch.Status.STAGED, ImportBatch.Status.COMMITTED):
        found = services.findings(batch)
        context["page"] = Paginator(found.rows(named=True), 100).get_page(request.GET.get("page"))
        context["by_code"] = found.group_by("code", "severity").len().sort("len", descending=True).rows()
    if batch.status == ImportBatch.Status.NEEDS_MAPPING:
        context["mapping"] = _mapping_rows(batch)
        context["saved"] = selectors.saved_mappings(request.user, batch)
    template = "registry/import_detail.html#status" if request.htmx else "registry/import_detail.html"
    return render(request, template, context)


def _can_decide(user, batch) -> bool:
    return bool(can(user, "approves") and user.pk != batch.uploaded_by_id
                and batch.status == ImportBatch.Status.STAGED)


def _mapping_rows(batch):
    found = batch.report.get("columns", {})
    return [(field, field in REQUIRED, found.get(field, "")) for field in FIELDS]


@login_required
@require_POST
def import_map(request, pk: int):
    """The clerk's own column mapping: run the same file again with it (and maybe keep it)."""
    batch = _batch(request.user, pk)
    services.check_uploader(request.user)
    saved = request.POST.get("saved", "")
    if saved:
        # Only a mapping made for these headers may be used (another file's is a 404, not a crash).
        found = selectors.saved_mappings(request.user, batch).filter(
            pk=int(saved) if saved.isdigit() else None).first()  # type: ignore[misc]  # pk=None: matches nothing
        if found is None:
            raise Http404
        mapping = found.mapping
    else:
        mapping = {f: request.POST[f] for f in FIELDS if request.POST.get(f) in batch.headers}
    try:
        batch = services.restage(request.user, batch, mapping)
    except ValidationError as exc:  # e.g. already approved: say so instead of failing
        messages.error(request, " ".join(exc.messages))
        return redirect("registry:import_detail", pk=pk)
    if request.POST.get("save_as"):  # kept only once the mapping was accepted
        services.save_mapping(request.user, batch, request.POST["save_as"], mapping)
    stage_import.enqueue(batch.pk)
    return redirect("registry:import_detail", pk=batch.pk)


@login_required
@require_POST
def import_decide(request, pk: int):
    batch = _batch(request.user, pk)
    try:
        if request.POST.get("decision") == "approve":
            batch = services.approve(request.user, batch)
            messages.success(request, _("Import approved: %(n)s new, %(m)s updated.")
                             % {"n": batch.report["inserted"], "m": batch.report["updated"]})
        else:
            services.reject(request.user, batch, request.POST.get("reason", ""))
            messages.success(request, _("Import rejected."))
    except services.RegisterChanged as exc:  # checked again: the new report is on the page
        messages.warning(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("registry:import_detail", pk=pk)


@login_required
def import_findings_xlsx(request, pk: int):
    batch = _batch(request.user, pk)
    if batch.status not in (ImportBatch.Status.STAGED, ImportBatch.Status.COMMITTED):
        raise Http404
    return on_record(request.user, attachment(services.findings_workbook(batch), f"temuan-impor-{batch.number}.xlsx"),
                     "registry.findings_downloaded", target=f"importbatch:{batch.pk}",
                     summary=f"Temuan Impor #{batch.number} diunduh.")


@login_required
def import_template(request):
    selectors.check_reads_imports(request.user)
    return attachment(build_template(deployment.root()), "templat-lindung.xlsx")


@login_required
def review_queue(request):
    pairs = selectors.pairs_for(request.user).filter(a__isnull=False, b__isnull=False)
    page = Paginator(pairs, 20).get_page(request.GET.get("page"))
    rows = [(pair, _side_by_side(pair)) for pair in page]
    return render(request, "registry/review_queue.html", {"page": page, "rows": rows})


def _side_by_side(pair):
    fields = ["nik", "nama", "jenis_kelamin", "tanggal_lahir", "tempat_lahir", "desa", "alamat", "telepon", "pekerjaan_1", "no_kk"]
    labels = {f.name: f.verbose_name for f in pair.a._meta.fields}
    return [(labels[f], getattr(pair.a, f), getattr(pair.b, f), getattr(pair.a, f) != getattr(pair.b, f)) for f in fields]


@login_required
@require_POST
def review_decide(request, pk: int):
    selectors.check_reads_imports(request.user)
    try:
        if request.POST.get("decision") == "same":
            services.confirm_same_person(request.user, pk, request.POST.get("keep", ""))
            messages.success(request, _("Merged: one record kept, both kept in history."))
        else:
            services.dismiss(request.user, pk)
            messages.success(request, _("Marked as different people; this pair will not be proposed again."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DuplicatePair.DoesNotExist:
        raise Http404
    return redirect("registry:review")
