"""What the browser tests do on the diary's pages again and again: log in, find a journal's cell."""

import re

PASSWORD = "correct horse battery staple"


def log_in(page, base_url: str, username: str) -> None:
    """Sign in on the Kyrgyz diary login page and wait until the diary shows its first page."""
    page.goto(f"{base_url}/ky/diary/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/ky/diary/(?!login).*"))


def cell(page, lesson, student):
    """The journal grid's cell of a lesson and a student."""
    return page.locator(f'td.c[data-lesson="{lesson.pk}"][data-student="{student.pk}"]')
