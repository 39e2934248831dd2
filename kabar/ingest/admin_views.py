"""The admin's WordPress import: upload an export, follow its run, read its report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .forms import ImportUploadForm, RunAgainForm, max_upload_size
from .models import ImportedKind, ImportRun, ImportRunStatus
from .tasks import ACTIVE_RUN, import_run_delete, import_run_start

PERMISSION = "ingest.add_importrun"
LIST_LIMIT = 50
# The multipart envelope around the file: boundaries, headers and the form's other fields.
UPLOAD_OVERHEAD = 64 * 1024
RESULTS = (
    ("created", _("created")),
    ("updated", _("updated")),
    ("unchanged", _("unchanged")),
    ("skipped", _("skipped")),
    ("failed", _("failed")),
)


def can_import(user):
    return user.is_active and (user.is_superuser or user.has_perm(PERMISSION))


def report_total(report, result):
    return sum(counts.get(result, 0) for counts in report.get("counts", {}).values())


def report_rows(report):
    """The report's counts as table rows: a label and one number per result."""
    rows = []
    for kind, counts in report.get("counts", {}).items():
        label = ImportedKind(kind).label if kind in ImportedKind.values else kind
        rows.append((label, [counts.get(result, 0) for result, _label in RESULTS]))
    return rows


class ImportAdminMixin(WagtailAdminTemplateMixin):
    header_icon = "download"
    # Translators: the admin page for bringing a WordPress site into Kabar.
    page_title = _("WordPress import")

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("ingest_wordpress:index"), "label": self.page_title},
        ]


class ImportRunIndexView(ImportAdminMixin, TemplateView):
    template_name = "ingest/wordpress/index.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        runs = list(ImportRun.objects.select_related("started_by")[:LIST_LIMIT])
        for run in runs:
            run.totals = {result: report_total(run.report, result) for result, _l in RESULTS}
        return super().get_context_data(runs=runs, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class ImportRunCreateView(ImportAdminMixin, FormView):
    template_name = "ingest/wordpress/create.html"
    form_class = ImportUploadForm
    page_subtitle = _("Upload an export")

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        # Refused before the body is read: the CSRF check (applied below, not by the
        # middleware) would otherwise store the whole upload first.
        if request.method == "POST" and _content_length(request) > (
            max_upload_size() + UPLOAD_OVERHEAD
        ):
            self.setup(request, *args, **kwargs)
            refusal = _("The file is larger than %(size)s, the most this server takes.") % {
                "size": filesizeformat(max_upload_size())
            }
            response = self.render_to_response(self.get_context_data(refusal=refusal))
            response.status_code = 413
            return response
        return csrf_protect(super().dispatch)(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_subtitle}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(max_size=max_upload_size(), **kwargs)

    def form_valid(self, form):
        run = import_run_start(
            form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            user=self.request.user,
            uploads=form.cleaned_data.get("uploads", ""),
        )
        return redirect("ingest_wordpress:detail", run.pk)


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ImportRunDetailView(ImportAdminMixin, TemplateView):
    template_name = "ingest/wordpress/detail.html"

    def get(self, request, pk):
        self.run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)
        return super().get(request, pk=pk)

    def get_page_subtitle(self):
        return self.run.file.name.rsplit("/", 1)[-1]

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_subtitle()}]

    def get_context_data(self, **kwargs):
        run = self.run
        return super().get_context_data(
            run=run,
            active=run.status in ACTIVE_RUN,
            results=[label for _result, label in RESULTS],
            rows=report_rows(run.report),
            redirects=run.report.get("redirects", {}),
            problems=run.report.get("problems", []),
            again_form=RunAgainForm(initial={"dry_run": False}),
            **kwargs,
        )


class ImportRunAgainView(ImportAdminMixin, View):
    """The same export file once more, as a new run; the import changes only what changed."""

    http_method_names = ["post"]

    def post(self, request, pk):
        run = get_object_or_404(ImportRun, pk=pk)
        form = RunAgainForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("ingest_wordpress:detail", run.pk)
        again = import_run_start(
            run.file.name,
            dry_run=form.cleaned_data["dry_run"],
            user=request.user,
            uploads=form.cleaned_data.get("uploads", ""),
        )
        return redirect("ingest_wordpress:detail", again.pk)


class ImportRunDeleteView(ImportAdminMixin, TemplateView):
    template_name = "ingest/wordpress/delete.html"
    page_subtitle = _("Delete")
    success_url = reverse_lazy("ingest_wordpress:index")

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        self.run = get_object_or_404(ImportRun, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            run=self.run, active=self.run.status == ImportRunStatus.RUNNING, **kwargs
        )

    def post(self, request, pk):
        import_run_delete(self.run)
        messages.success(request, _("The import run and its file were deleted."))
        return redirect(self.success_url)
