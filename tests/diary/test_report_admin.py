"""D14 in the Wagtail admin: the administration sees its school's report runs (status, duration, error), read-only."""

import pytest

from diary.services.accounts import administration_access_grant
from diary.services.reports import report_build, report_request
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_director_sees_the_schools_report_runs_with_their_errors_only(client, small_school, monkeypatch):
    from diary.services import reports

    done = report_request(
        actor=small_school.director.user, school=small_school.school, kind="progress", period=small_school.q1
    )
    report_build(run_id=done.pk)

    def broken(run):
        raise RuntimeError("disk full")

    monkeypatch.setitem(reports.BUILDERS, "compliance", broken)
    failed = report_request(
        actor=small_school.director.user, school=small_school.school, kind="compliance", period=small_school.q1
    )
    with pytest.raises(RuntimeError):
        report_build(run_id=failed.pk)
    other = report_request(
        actor=small_school.stranger.user,
        school=small_school.stranger.school,
        kind="progress",
        period=factories.PeriodFactory(year__school=small_school.stranger.school, number=4),
    )
    user = small_school.director.user
    administration_access_grant(user)
    client.force_login(user)
    response = client.get("/admin/diary/reportrun/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "disk full" in page
    assert f"/admin/diary/reportrun/inspect/{done.pk}/" in page
    assert f"/admin/diary/reportrun/inspect/{other.pk}/" not in page
    assert client.get(f"/admin/diary/reportrun/edit/{done.pk}/").status_code in (302, 403)
