"""Admin additions of the website: the W3 completeness panel on the dashboard."""

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from cms.completeness import disclosure_report


class CompletenessPanel(Component):
    """W3: per school site, each mandated item as present / missing / untranslated / stale, with a percentage."""

    name = "disclosure_completeness"
    order = 50
    template_name = "cms/admin/completeness_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        sites = Site.objects.select_related("root_page").order_by("hostname")
        return {"reports": [(site, disclosure_report(site)) for site in sites]}


@hooks.register("construct_homepage_panels")
def add_completeness_panel(request, panels):
    panels.append(CompletenessPanel(request))
