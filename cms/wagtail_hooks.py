"""Admin additions of the website: the W3 completeness panel on the dashboard, the W5 checklist on every way the
admin publishes a page, the head's website-operation screen, and the W6 site accounts screen."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from cms import admin_views
from cms.completeness import disclosure_report
from cms.models.workflow import CHECKLIST_REFUSED, checklist_confirmed
from cms.operation_views import site_operation_view, staff_check_view
from cms.permissions import may_manage_site_accounts, sites_edited_by
from cms.services.operation import sites_headed_by


class CompletenessPanel(Component):
    """W3: per school site, each mandated item as present / missing / untranslated / stale, with a percentage."""

    name = "disclosure_completeness"
    order = 50
    template_name = "cms/admin/completeness_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        # W6: an editor sees their own sites only.
        sites = sites_edited_by(self.request.user).select_related("root_page").order_by("hostname")
        return {"reports": [(site, disclosure_report(site)) for site in sites]}


@hooks.register("construct_homepage_panels")
def add_completeness_panel(request, panels):
    panels.append(CompletenessPanel(request))


@hooks.register("before_publish_page")
def refuse_publishing_without_the_checklist(request, page):
    """W4, W5: publishing from the page editor, the workflow aside, needs the whole checklist. The editor's form
    refuses first, with each point marked; this refuses a page whose form does not carry it."""
    if checklist_confirmed(request.POST):
        return None
    messages.error(request, str(CHECKLIST_REFUSED))
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing(request, action_type, objects, action_class_instance):
    """W4, W5: the listing's bulk "publish" would skip the checklist; each page is published from its editor."""
    if action_type != "publish":
        return None
    messages.error(request, gettext("Pages are published one at a time, with the prohibited-content checklist."))
    return redirect(action_class_instance.next_url)


class HeadOnlyMenuItem(MenuItem):
    """W3: shown to the head of a school with a site (and to superusers)."""

    def is_shown(self, request):
        return bool(sites_headed_by(request.user))


@hooks.register("register_admin_urls")
def site_operation_urls():
    return [
        path("site-operation/", site_operation_view, name="cms_site_operation"),
        path("staff-check/", staff_check_view, name="cms_staff_check"),
    ]


@hooks.register("register_admin_menu_item")
def site_operation_menu_item():
    return HeadOnlyMenuItem(_("Website operation"), reverse("cms_site_operation"), icon_name="date", order=270)


class SiteAdministratorMenuItem(MenuItem):
    """W4: shown to the site administrators (and superusers)."""

    def is_shown(self, request):
        user = request.user
        return user.is_superuser or user.groups.filter(name__endswith=": site administrators").exists()


@hooks.register("register_admin_menu_item")
def staff_check_menu_item():
    return SiteAdministratorMenuItem(
        _("Staff for the website"), reverse("cms_staff_check"), icon_name="user", order=265
    )


class SiteAccountsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_manage_site_accounts(request.user)


@hooks.register("register_admin_urls")
def register_site_account_urls():
    urls = [
        path("", admin_views.SiteAccountIndexView.as_view(), name="index"),
        path("new/", admin_views.SiteAccountCreateView.as_view(), name="add"),
        path("<int:pk>/", admin_views.SiteAccountEditView.as_view(), name="edit"),
    ]
    return [path("site-accounts/", include((urls, "cms_site_accounts"), namespace="cms_site_accounts"))]


@hooks.register("register_settings_menu_item")
def register_site_accounts_menu_item():
    return SiteAccountsMenuItem(
        _("Site accounts"), reverse_lazy("cms_site_accounts:index"), icon_name="user", order=601
    )
