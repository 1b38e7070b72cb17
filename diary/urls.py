"""The diary's pages (namespace `diary`): each area's module lists its own addresses."""

from diary.views import (
    administration,
    auth,
    consultation,
    family,
    history,
    home,
    homeroom,
    journal,
    mail,
    offline,
    privacy,
    reports,
)

app_name = "diary"

# The busiest first (Django tries them in order): the families' pages, then the teachers'. No two areas share an
# address, so the order changes no match.
urlpatterns = [
    *family.urlpatterns,
    *journal.urlpatterns,
    *auth.urlpatterns,
    *home.urlpatterns,
    *homeroom.urlpatterns,
    *administration.urlpatterns,
    *history.urlpatterns,
    *mail.urlpatterns,
    *reports.urlpatterns,
    *privacy.urlpatterns,
    *consultation.urlpatterns,
    *offline.urlpatterns,
]
