"""The diary's pages (namespace `diary`): each area's module lists its own addresses."""

from diary.views import administration, auth, home, homeroom, journal

app_name = "diary"

urlpatterns = [
    *auth.urlpatterns,
    *home.urlpatterns,
    *homeroom.urlpatterns,
    *administration.urlpatterns,
    *journal.urlpatterns,
]
