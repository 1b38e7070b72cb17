from django.urls import path

from diary.api import auth, journals, people

app_name = "diary_api"

urlpatterns = [
    path("auth/login/", auth.LoginView.as_view(), name="login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="logout"),
    path("auth/redeem/", auth.RedeemView.as_view(), name="redeem"),
    path("me/", auth.MeView.as_view(), name="me"),
    path("access-codes/", auth.AccessCodesView.as_view(), name="access-codes"),
    path("access-codes/slips/", auth.AccessCodeSlipsView.as_view(), name="access-code-slips"),
    path("journals/", journals.JournalsView.as_view(), name="journals"),
    path("journals/<int:pk>/", journals.JournalView.as_view(), name="journal"),
    path("journals/<int:pk>/marks/", journals.JournalMarksView.as_view(), name="journal-marks"),
    path("journals/<int:pk>/finals/", journals.JournalFinalsView.as_view(), name="journal-finals"),
    path("journals/<int:pk>/history/", journals.JournalHistoryView.as_view(), name="journal-history"),
    path("journals/<int:pk>/inspections/", journals.JournalInspectionsView.as_view(), name="journal-inspections"),
    path("lessons/<int:pk>/", journals.LessonView.as_view(), name="lesson"),
    path("substitutions/", journals.SubstitutionsView.as_view(), name="substitutions"),
    path("students/<int:pk>/diary/", people.StudentDiaryView.as_view(), name="student-diary"),
    path("students/<int:pk>/grades/", people.StudentGradesView.as_view(), name="student-grades"),
    path("threads/", people.ThreadsView.as_view(), name="threads"),
    path("threads/<int:pk>/", people.ThreadView.as_view(), name="thread"),
    path("threads/<int:pk>/messages/", people.ThreadMessagesView.as_view(), name="thread-messages"),
    path("reports/", people.ReportsView.as_view(), name="reports"),
    path("reports/<int:pk>/", people.ReportView.as_view(), name="report"),
]
