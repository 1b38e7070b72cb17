"""W6: the site administrators' screen of their own site's editor and administrator accounts.

Wagtail's own user editor needs global user permissions, which no school group holds; this screen lists and changes
only what `cms.permissions.site_accounts_managed_by` allows, and never offers the superuser flag or another group.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.forms import SiteAccountForm
from cms.permissions import may_manage_site_accounts, site_accounts_managed_by
from cms.services.site_accounts import site_account_create, site_account_update

INDEX_URL = "cms_site_accounts:index"


class SiteAccountAccessMixin:
    header_icon = "user"

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_site_accounts(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse_lazy(INDEX_URL), "label": _("Site accounts")},
            {"url": "", "label": self.get_page_title()},
        ]


class SiteAccountIndexView(SiteAccountAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/site_accounts/index.html"
    page_title = _("Site accounts")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["accounts"] = site_accounts_managed_by(self.request.user).prefetch_related("groups")
        return context


class SiteAccountFormView(SiteAccountAccessMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "wagtailadmin/generic/form.html"
    form_class = SiteAccountForm
    account = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user, "account": self.account}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.path
        context["submit_button_label"] = _("Save")
        context["submit_button_active_label"] = _("Saving…")
        return context

    def get_success_url(self):
        return reverse(INDEX_URL)


class SiteAccountCreateView(SiteAccountFormView):
    page_title = _("New site account")

    def form_valid(self, form):
        data = form.cleaned_data
        site_account_create(
            actor=self.request.user,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            password=data["password1"],
            group=data["group"],
        )
        messages.success(self.request, _("The account has been created."))
        return redirect(self.get_success_url())


class SiteAccountEditView(SiteAccountFormView):
    page_title = _("Edit site account")

    def dispatch(self, request, *args, **kwargs):
        if may_manage_site_accounts(request.user):
            # W6: another site's account, a diary person's or a superuser is not there to be found.
            self.account = get_object_or_404(site_accounts_managed_by(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        account = self.account
        return {
            "username": account.get_username(),
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
            "is_active": account.is_active,
            "group": account.groups.first(),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        site_account_update(
            actor=self.request.user,
            account=self.account,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            is_active=data["is_active"],
            group=data["group"],
            password=data["password1"],
        )
        messages.success(self.request, _("The account has been saved."))
        return redirect(self.get_success_url())
