"""Pages of the hand-over to self-paid membership: members per village with their lapse dates and what they would
pay, the village lists (xlsx, PDF for the village head), the outbox of notices, BPJS's status file, the cohort."""

import io
from urllib.parse import urlencode

import weasyprint
import xlsxwriter
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lindung.accounts.roles import can
from lindung.accounts.scoping import area_code
from lindung.core.downloads import attachment, on_record
from lindung.core.forms import UploadField
from lindung.core.kept import kept
from lindung.core.xlsx import write_table
from lindung.notify.services import sent_message
from lindung.pipeline.readers import ReadError
from lindung.programs import selectors as programs
from lindung.rules.contributions import tanggal

from . import selectors, services


class StatusForm(forms.Form):
    file = UploadField(label=gettext_lazy("BPJS member status file (xlsx or csv): KPJ or NIK, status, last month paid"))


def _page(request, programme, form=None, findings=None):
    kecamatan, desa = request.GET.get("kecamatan", ""), request.GET.get("desa", "")
    today = timezone.localdate()  # one day for the key and the count (a view at midnight)
    found = kept("self_pay_overview", request.user, programme.pk, today,
                 compute=lambda: selectors.overview(request.user, programme, today))
    villages = [v for v in found.villages if not kecamatan or v.code.startswith(kecamatan + ".")]
    # Counted already when the whole area or one whole kecamatan is listed.
    count = None if desa else sum(v.members for v in villages)
    return render(request, "selfpay/members.html", {
        "programme": programme, "found": found, "villages": villages,
        "kecamatans": sorted({(v.code[:8], v.kecamatan) for v in found.villages}),
        "kecamatan": kecamatan, "desa": desa,
        "page": selectors.members_page(request.user, programme, request.GET.get("page"), kecamatan=kecamatan,
                                       desa=desa, count=count, today=today),
        "outbox": selectors.outbox_counts(request.user, programme),
        "can_hand_over": can(request.user, "plans"), "form": form or StatusForm(), "findings": findings,
    })


@login_required
def members(request, code: str):
    return _page(request, programs.programme_of(request.user, code))


@login_required
def cohort(request, code: str):
    """The cohort chart, which the page loads after itself: it reads the paid months of every member."""
    programme = programs.programme_of(request.user, code)
    chart = selectors.cohort_chart(kept("self_pay_cohort", request.user, programme.pk, timezone.localdate(),
                                        compute=lambda: selectors.cohort_of(request.user, programme)))
    return render(request, "selfpay/_cohort.html", {"chart": chart})


def _village_list(request, code: str, *, whole_area: bool = True):
    """The programme, the members of the village in ?desa= (or of the user's whole area), the village's name.
    A village operator's area is his village; without ``whole_area`` a larger area needs ?desa=."""
    programme = programs.programme_of(request.user, code)
    area = area_code(request.user) or ""
    desa = request.GET.get("desa", "") or (area if area.count(".") == 3 else "")
    if not desa and not whole_area:
        raise Http404
    members = selectors.self_pay_list(request.user, programme, desa=desa or None).members
    if desa and not members:  # no such village, none of its people are members, or not the user's area
        raise Http404
    return programme, members, (members[0].desa if desa else "")


@login_required
def village_xlsx(request, code: str):
    programme, members, village = _village_list(request, code)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet((village or "Daftar")[:31])
    header = book.add_format({"bold": True, "bg_color": "#e8f0ec", "text_wrap": True})
    rows = [(m.nik, m.nama, m.kpj, m.phone, m.desa, m.pays_from, m.self_pay, tanggal(m.lapse) if m.lapse else "")
            for m in members]
    # NIK, KPJ and phone go in as text cells (write_table writes every str as a string), so Excel keeps the digits.
    write_table(sheet, header, ["NIK", "Nama", "No. KPJ", "Telepon", "Desa", "Mulai bayar mandiri", "Iuran per bulan (Rp)",
                                "Nonaktif bila tidak dibayar"], rows, widths=[20, 28, 14, 15, 20, 18, 14, 22])
    book.close()
    return _on_record(request, programme, members, attachment(
        out.getvalue(), f"serah-terima-{programme.code}-{_slug(request)}.xlsx"))


@login_required
def village_pdf(request, code: str):
    # One village at a time: a letter for thousands of members would take WeasyPrint minutes.
    programme, members, village = _village_list(request, code, whole_area=False)
    with translation.override("id"):  # a letter to the village head is Indonesian whatever the page language
        html = render_to_string("selfpay/village.html", {
            "programme": programme, "members": members, "village": village,
            "kecamatan": members[0].kecamatan if village else "", "payer": selectors.regency_payer(),
            "today": tanggal(timezone.localdate()), "total": sum(m.self_pay for m in members),
        })
    return _on_record(request, programme, members, attachment(
        weasyprint.HTML(string=html).write_pdf(), f"serah-terima-{programme.code}-{_slug(request)}.pdf"))


def _on_record(request, programme, members, response):
    return on_record(request.user, response, "selfpay.list_downloaded", target=f"programme:{programme.pk}",
                     summary=f"Daftar serah-terima ke bayar mandiri program {programme.code} ({_slug(request)}) "
                             f"diunduh ({len(members)} peserta).")


def _slug(request) -> str:
    return request.GET.get("desa", "").replace(".", "") or "wilayah"


@login_required
@require_POST
def prepare(request, code: str):
    programme = programs.programme_of(request.user, code)
    added = services.prepare_messages(request.user, programme)
    messages.success(request, _("%(n)s messages added to the outbox.") % {"n": added})
    return redirect("selfpay:outbox", code=code)


@login_required
@require_POST
def send(request, code: str):
    programme = programs.programme_of(request.user, code)
    done = services.send_messages(request.user, programme)
    (messages.success if not (done.failed or done.held) else messages.warning)(request, sent_message(done))
    return redirect("selfpay:outbox", code=code)


@login_required
def outbox(request, code: str):
    """The programme's notices on the office's outbox page (notify), which checks and reviews them."""
    programme = programs.programme_of(request.user, code)
    query = {"topic": f"{selectors.PURPOSE}:{programme.code}", "status": request.GET.get("status", "")}
    return redirect(reverse("notify:outbox") + "?" + urlencode({k: v for k, v in query.items() if v}))


@login_required
def status_file(request, code: str):
    programme = programs.programme_of(request.user, code)
    if request.method != "POST":
        return redirect("selfpay:members", code=code)
    form = StatusForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, programme, form)
    upload = form.cleaned_data["file"]
    try:
        outcome = services.import_status(request.user, programme, upload.name, upload.chunks())
    except ReadError as exc:
        form.add_error("file", str(exc))
        return _page(request, programme, form)
    if outcome.errors:
        messages.error(request, _("Nothing was changed: %(n)s rows of the file are wrong. Correct them and upload "
                                  "the file again.") % {"n": outcome.errors})
        assert outcome.findings is not None  # the errors are among them
        return _page(request, programme, form, findings=outcome.findings.rows(named=True))
    messages.success(request, _("BPJS status read: %(c)s members pay themselves, %(s)s stopped; %(m)s months paid "
                                "recorded.") % {"c": outcome.continuing, "s": outcome.stopped, "m": outcome.months_added})
    if outcome.paid_by_others:
        messages.info(request, _("%(n)s members are paid by another payer (an employer, or another payer) from the "
                                 "date of the file: their months are left to that payer, and no longer billed. See "
                                 "each one's page.") % {"n": outcome.paid_by_others})
    return redirect("selfpay:members", code=code)
