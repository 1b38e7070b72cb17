"""W6: visitors' questions in the admin, where a site administrator answers and publishes them.

Each site's questions (names, e-mails) are seen only by the editors of that site (cms.permissions).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.permissions import questions_visible_to
from home.models import Question


class QuestionEditView(snippet_views.EditView):
    def get_queryset(self):
        return questions_visible_to(self.request.user, Question.objects.all())


class QuestionDeleteView(snippet_views.DeleteView):
    def get_queryset(self):
        return questions_visible_to(self.request.user, Question.objects.all())


class QuestionHistoryView(snippet_views.HistoryView):
    def get_base_object_queryset(self):
        return questions_visible_to(self.request.user, Question.objects.all())


class QuestionUsageView(snippet_views.UsageView):
    def get_base_object_queryset(self):
        return questions_visible_to(self.request.user, Question.objects.all())


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions and answers")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["question", "name", "created_at", "is_published"]
    list_filter = ["is_published"]
    copy_view_enabled = False
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView
    history_view_class = QuestionHistoryView
    usage_view_class = QuestionUsageView

    def get_queryset(self, request):
        return questions_visible_to(request.user, Question.objects.all())


register_snippet(QuestionViewSet)
