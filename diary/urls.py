"""The diary's pages (namespace `diary`): each area's module lists its own addresses."""

from diary.views import administration, auth, family, home, homeroom, journal, mail, privacy, reports

app_name = "diary"

urlpatterns = [
    *auth.urlpatterns,
    *home.urlpatterns,
    *homeroom.urlpatterns,
    *administration.urlpatterns,
    *family.urlpatterns,
    *mail.urlpatterns,
    *journal.urlpatterns,
    *reports.urlpatterns,
    *privacy.urlpatterns,
]
