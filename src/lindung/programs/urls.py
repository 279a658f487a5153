from django.urls import path

from . import proposal_views, revision_views, views

app_name = "programs"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("baru/", views.programme_edit, name="new"),
    path("usulan-anggaran/", proposal_views.proposal, name="proposal"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/ubah/", views.programme_edit, name="edit"),
    path("<slug:code>/status/", views.programme_advance, name="advance"),
    path("<slug:code>/aturan/", views.programme_rules, name="rules"),
    path("<slug:code>/rencana/", views.planner, name="planner"),
    path("<slug:code>/peserta-lanjutan.xlsx", views.continuation_xlsx, name="continuation_xlsx"),
    path("<slug:code>/rencana/simpan/", views.scenario_save, name="scenario_save"),
    path("<slug:code>/skenario/<int:number>/", views.scenario_detail, name="scenario"),
    path("<slug:code>/skenario/<int:number>/rencana.xlsx", views.scenario_xlsx, name="scenario_xlsx"),
    path("<slug:code>/skenario/<int:number>/setujui/", views.scenario_approve, name="scenario_approve"),
    path("<slug:code>/revisi/", revision_views.revision, name="revision"),
    path("<slug:code>/revisi/simpan/", revision_views.revision_save, name="revision_save"),
    path("<slug:code>/skenario/<int:number>/setujui-revisi/", revision_views.revision_approve,
         name="revision_approve"),
    path("<slug:code>/skenario/<int:number>/perubahan.xlsx", revision_views.changes_xlsx, name="revision_xlsx"),
]
