from django.urls import path, register_converter

from diary.api import auth, enrolments, journals, people, privacy, reports
from diary.api.serializers import MAX_ID


class IdConverter:
    """A database id: a huge number in an address is a 404, not a query the database refuses."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "diary_api"

urlpatterns = [
    path("auth/login/", auth.LoginView.as_view(), name="login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="logout"),
    path("auth/redeem/", auth.RedeemView.as_view(), name="redeem"),
    path("me/", auth.MeView.as_view(), name="me"),
    path("access-codes/", auth.AccessCodesView.as_view(), name="access-codes"),
    path("access-codes/slips/", auth.AccessCodeSlipsView.as_view(), name="access-code-slips"),
    path("access-codes/<id:pk>/revoke/", auth.AccessCodeRevokeView.as_view(), name="access-code-revoke"),
    path("journals/", journals.JournalsView.as_view(), name="journals"),
    path("journals/<id:pk>/", journals.JournalView.as_view(), name="journal"),
    path("journals/<id:pk>/marks/", journals.JournalMarksView.as_view(), name="journal-marks"),
    path("journals/<id:pk>/finals/", journals.JournalFinalsView.as_view(), name="journal-finals"),
    path("journals/<id:pk>/history/", journals.JournalHistoryView.as_view(), name="journal-history"),
    path("journals/<id:pk>/inspections/", journals.JournalInspectionsView.as_view(), name="journal-inspections"),
    path("lessons/<id:pk>/", journals.LessonView.as_view(), name="lesson"),
    path("substitutions/", journals.SubstitutionsView.as_view(), name="substitutions"),
    path("students/<id:pk>/diary/", people.StudentDiaryView.as_view(), name="student-diary"),
    path("students/<id:pk>/grades/", people.StudentGradesView.as_view(), name="student-grades"),
    path("students/<id:pk>/export/", privacy.StudentExportView.as_view(), name="student-export"),
    path("students/<id:pk>/export.pdf", privacy.StudentExportPdfView.as_view(), name="student-export-pdf"),
    path("students/<id:pk>/access-log/", privacy.StudentAccessLogView.as_view(), name="student-access-log"),
    path("students/<id:pk>/anonymise/", privacy.StudentAnonymiseView.as_view(), name="student-anonymise"),
    path("students/<id:pk>/move/", enrolments.StudentMoveView.as_view(), name="student-move"),
    path("threads/", people.ThreadsView.as_view(), name="threads"),
    path("threads/<id:pk>/", people.ThreadView.as_view(), name="thread"),
    path("threads/<id:pk>/messages/", people.ThreadMessagesView.as_view(), name="thread-messages"),
    path("reports/", reports.ReportsView.as_view(), name="reports"),
    path("reports/<id:pk>/", reports.ReportView.as_view(), name="report"),
    path("reports/<id:pk>/files/<str:file_format>/", reports.ReportFileView.as_view(), name="report-file"),
]
