"""Admin additions of the website: the W3 completeness panel on the dashboard, and the W6 site accounts screen."""

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from cms import admin_views
from cms.completeness import disclosure_report
from cms.permissions import may_manage_site_accounts, sites_edited_by


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
