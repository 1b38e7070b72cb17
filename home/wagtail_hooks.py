"""W6: visitors' questions in the admin, where a site administrator answers and publishes them."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.models import Question


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions and answers")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["question", "name", "created_at", "is_published"]
    list_filter = ["is_published"]
    copy_view_enabled = False


register_snippet(QuestionViewSet)
