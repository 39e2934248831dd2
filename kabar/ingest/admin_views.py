"""The admin's imports, of a WordPress site and of another comment system's comments: upload
a file, follow its run, read its report. One set of views, each kind with its own pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .forms import CommentImportForm, DryRunForm, ImportUploadForm, RunAgainForm, max_upload_size
from .models import COMMENT_FORMATS, ImportedKind, ImportFormat, ImportRun, ImportRunStatus
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


# Translators: in a comment import's report, the discussions of pages (one per page).
KIND_LABELS = {**dict(ImportedKind.choices), "thread": _("discussion")}


def report_rows(report):
    """The report's counts as table rows: a label and one number per result."""
    rows = []
    for kind, counts in report.get("counts", {}).items():
        label = KIND_LABELS.get(kind, kind)
        rows.append((label, [counts.get(result, 0) for result, _label in RESULTS]))
    return rows


class ImportAdminMixin(WagtailAdminTemplateMixin):
    """The WordPress import's pages; CommentImportMixin makes them the comment import's."""

    header_icon = "download"
    # Translators: the admin page for bringing a WordPress site into Kabar.
    page_title = _("WordPress import")
    namespace = "ingest_wordpress"
    templates = "ingest/wordpress"
    formats = (ImportFormat.WORDPRESS,)

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        return [f"{self.templates}/{self.template_name}"]

    def url(self, name, *args):
        return reverse(f"{self.namespace}:{name}", args=args)

    def runs(self):
        return ImportRun.objects.filter(format__in=self.formats)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.url("index"), "label": self.page_title},
        ]


class CommentImportMixin:
    # Translators: the admin page for bringing comments in from Disqus, Isso or Remark42.
    page_title = _("Comment import")
    namespace = "ingest_comments"
    templates = "ingest/comments"
    formats = COMMENT_FORMATS


class ImportRunIndexView(ImportAdminMixin, TemplateView):
    template_name = "index.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        runs = list(self.runs().select_related("started_by", "site")[:LIST_LIMIT])
        for run in runs:
            run.totals = {result: report_total(run.report, result) for result, _l in RESULTS}
        return super().get_context_data(runs=runs, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class ImportRunCreateView(ImportAdminMixin, FormView):
    template_name = "create.html"
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
        return redirect(self.url("detail", run.pk))


class CommentRunCreateView(CommentImportMixin, ImportRunCreateView):
    form_class = CommentImportForm
    page_subtitle = _("Upload a file")

    def form_valid(self, form):
        run = import_run_start(
            form.cleaned_data["file"],
            format=form.cleaned_data["format"],
            site=form.cleaned_data["site"],
            dry_run=form.cleaned_data["dry_run"],
            user=self.request.user,
        )
        return redirect(self.url("detail", run.pk))


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ImportRunDetailView(ImportAdminMixin, TemplateView):
    template_name = "detail.html"
    again_form_class = RunAgainForm

    def get(self, request, pk):
        self.run = get_object_or_404(self.runs().select_related("started_by", "site"), pk=pk)
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
            again_form=self.again_form_class(initial={"dry_run": False}),
            again_url=self.url("again", run.pk),
            delete_url=self.url("delete", run.pk),
            **kwargs,
        )


class CommentRunDetailView(CommentImportMixin, ImportRunDetailView):
    again_form_class = DryRunForm


class ImportRunAgainView(ImportAdminMixin, View):
    """The same export file once more, as a new run; the import changes only what changed."""

    http_method_names = ["post"]
    form_class = RunAgainForm

    def post(self, request, pk):
        run = get_object_or_404(self.runs(), pk=pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(self.url("detail", run.pk))
        again = import_run_start(
            run.file.name,
            format=run.format,
            site=run.site,
            dry_run=form.cleaned_data["dry_run"],
            user=request.user,
            uploads=form.cleaned_data.get("uploads", ""),
        )
        return redirect(self.url("detail", again.pk))


class CommentRunAgainView(CommentImportMixin, ImportRunAgainView):
    form_class = DryRunForm


class ImportRunDeleteView(ImportAdminMixin, TemplateView):
    template_name = "delete.html"
    page_subtitle = _("Delete")

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        self.run = get_object_or_404(self.runs(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        # One page for every kind: it names its own links.
        return ["ingest/wordpress/delete.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            run=self.run,
            active=self.run.status == ImportRunStatus.RUNNING,
            delete_url=self.url("delete", self.run.pk),
            detail_url=self.url("detail", self.run.pk),
            **kwargs,
        )

    def post(self, request, pk):
        import_run_delete(self.run)
        messages.success(request, _("The import run and its file were deleted."))
        return redirect(self.url("index"))


class CommentRunIndexView(CommentImportMixin, ImportRunIndexView):
    pass


class CommentRunDeleteView(CommentImportMixin, ImportRunDeleteView):
    pass
