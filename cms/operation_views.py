"""W3: the head's admin screen: the update frequency per section (approved here) and the site-operation report."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Site

from cms.models import SECTION_MODELS, SectionUpdateFrequency
from cms.models.workflow import ChecklistFields
from cms.operation import site_operation_report
from cms.services.operation import MAX_MONTHS, MIN_MONTHS, sites_headed_by, update_frequency_set
from cms.services.staff_publication import is_site_administrator, staff_awaiting_check, staff_public_check
from diary.calendar import month_label
from diary.exceptions import DiaryError


class UpdateFrequencyForm(forms.Form):
    """W3: months between updates for each section."""

    def __init__(self, *args, setting: SectionUpdateFrequency, **kwargs):
        super().__init__(*args, **kwargs)
        for model in SECTION_MODELS:
            self.fields[model.section_slug] = forms.IntegerField(
                label=model._meta.verbose_name,
                min_value=MIN_MONTHS,
                max_value=MAX_MONTHS,
                initial=setting.months_for(model.section_slug),
                help_text=gettext_lazy("months"),
            )


def site_operation_view(request):
    """GET: the report and the form; POST: the head approves new frequencies (refused for anyone else)."""
    sites = sites_headed_by(request.user)
    if not sites:
        raise PermissionDenied
    chosen = request.GET.get("site", "")
    site = next((site for site in sites if str(site.pk) == chosen), sites[0])
    setting = SectionUpdateFrequency.for_site(site)
    form = UpdateFrequencyForm(request.POST or None, setting=setting)
    if request.method == "POST" and form.is_valid():
        try:
            update_frequency_set(actor=request.user, site=site, months=form.cleaned_data)
        except DiaryError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The update frequency is approved."))
            return redirect(f"{request.path}?site={site.pk}")
    report = site_operation_report(site)
    return TemplateResponse(
        request,
        "cms/admin/site_operation.html",
        {
            "sites": sites, "site": site, "form": form, "setting": setting, "report": report,
            "month_labels": [month_label(month) for month in report["months"]],
        },
    )  # fmt: skip


class StaffCheckForm(ChecklistFields):
    """W4, W5: whom to show on the website, with the checklist."""

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"] = forms.TypedMultipleChoiceField(
            label=gettext_lazy("Staff waiting to appear on the website"),
            choices=[(member.pk, f"{member.full_name} — {member.post}") for member in staff],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
        )
        self.order_fields(["staff"])


def staff_check_view(request):
    """W4, W5: a site administrator confirms the checklist for staff before they first appear on the site."""
    sites = [site for site in Site.objects.order_by("hostname") if is_site_administrator(user=request.user, site=site)]
    if not sites:
        raise PermissionDenied
    chosen = request.GET.get("site", "")
    site = next((site for site in sites if str(site.pk) == chosen), sites[0])
    staff = staff_awaiting_check(site=site)
    form = StaffCheckForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            staff_public_check(
                actor=request.user, site=site, staff_ids=form.cleaned_data["staff"], confirmations=form.cleaned_data
            )
        except DiaryError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The staff are shown on the website."))
            return redirect(f"{request.path}?site={site.pk}")
    elif request.method == "POST":
        messages.error(request, _("To publish, confirm every point of the prohibited-content checklist."))
    return TemplateResponse(
        request, "cms/admin/staff_check.html", {"sites": sites, "site": site, "form": form, "staff": staff}
    )
