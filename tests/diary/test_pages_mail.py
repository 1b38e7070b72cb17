"""The internal mail pages (D13): inbox, conversation, reply and a new message to whom D15 allows."""

import re

import pytest
from django.test import Client

from diary.models import Message, Thread, ThreadParticipant
from diary.services.messaging import message_send, thread_start
from tests import factories


def client_for(small_school, persona: str, **extra) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ky", **extra)
    client.force_login(small_school.user(persona))
    return client


def option_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', html)}


def test_the_compose_form_offers_only_whom_d15_allows_grouped_by_role_and_class(small_school):
    response = client_for(small_school, "parent").get("/ky/diary/mail/new/")
    assert response.status_code == 200
    html = response.content.decode()
    offered = option_ids(html)
    school = small_school
    # The child's teacher and homeroom teacher and the administration; never another parent or another class.
    assert {school.teacher.user.pk, school.homeroom.user.pk, school.director.user.pk} <= offered
    assert school.other_parent.user.pk not in offered
    assert school.other_teacher.user.pk not in offered
    assert school.stranger.user.pk not in offered
    assert 'data-kind="administration"' in html and 'data-kind="teachers"' in html
    assert school.teacher.full_name in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_teacher_sees_students_and_guardians_grouped_by_class(small_school):
    html = client_for(small_school, "homeroom").get("/ky/diary/mail/new/").content.decode()
    assert 'data-kind="guardians" data-class="5А"' in html
    assert 'data-kind="students" data-class="5А"' in html
    assert small_school.parent.user.pk in option_ids(html)
    assert small_school.students[0].user.pk in option_ids(html)


def test_the_filter_field_narrows_the_recipients_without_scripts(small_school):
    client = client_for(small_school, "director")
    everyone = option_ids(client.get("/ky/diary/mail/new/").content.decode())
    narrowed = client.get("/ky/diary/mail/new/", {"q": small_school.teacher.last_name})
    assert small_school.teacher.user.pk in option_ids(narrowed.content.decode())
    assert len(option_ids(narrowed.content.decode())) < len(everyone)
    nobody = client.get("/ky/diary/mail/new/", {"q": "zzzz-nobody"})
    assert 'id="recipients-empty"' in nobody.content.decode()


def test_the_recipient_list_takes_a_constant_number_of_queries(small_school, django_assert_max_num_queries):
    client = client_for(small_school, "director")
    client.get("/ky/diary/mail/new/")
    with django_assert_max_num_queries(12):
        first = client.get("/ky/diary/mail/new/")
    for _number in range(8):
        student = factories.EnrolmentFactory(school_class=small_school.class_5a).student
        student.user = factories.UserFactory()
        student.save()
        guardian = factories.GuardianFactory(school=small_school.school, user=factories.UserFactory())
        guardian.links.create(school=small_school.school, student=student)
    with django_assert_max_num_queries(12):
        more = client.get("/ky/diary/mail/new/")
    assert len(option_ids(more.content.decode())) == len(option_ids(first.content.decode())) + 16


def test_sending_redirects_to_the_conversation_which_the_recipient_finds_unread(small_school):
    parent = client_for(small_school, "parent")
    form = {"to": [small_school.teacher.user.pk], "subject": "Үй тапшырмасы", "body": "Саламатсызбы!"}
    response = parent.post("/ky/diary/mail/new/", form)
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ky/diary/mail/{thread.pk}/"
    page = parent.get(response["Location"])
    assert "Саламатсызбы!" in page.content.decode()
    assert b'role="status"' in page.content  # "sent"

    teacher = client_for(small_school, "teacher")
    inbox = teacher.get("/ky/diary/mail/").content.decode()
    assert f'data-thread="{thread.pk}" data-unread="1"' in inbox
    assert small_school.parent.full_name in inbox
    opened = teacher.get(f"/ky/diary/mail/{thread.pk}/").content.decode()
    assert 'class="message new"' in opened
    assert small_school.parent.full_name in opened
    inbox = teacher.get("/ky/diary/mail/").content.decode()
    assert f'data-thread="{thread.pk}" data-unread="0"' in inbox


def test_a_reply_appears_in_the_conversation_and_marks_it_unread_for_the_other(small_school):
    thread = thread_start(sender=small_school.parent.user, recipient_ids=[small_school.teacher.user.pk],
                          subject="Суроо", body="Биринчи кат")  # fmt: skip
    teacher = client_for(small_school, "teacher")
    page = teacher.get(f"/ky/diary/mail/{thread.pk}/").content.decode()
    assert 'id="reply-form"' in page and 'name="csrfmiddlewaretoken"' in page
    response = teacher.post(f"/ky/diary/mail/{thread.pk}/", {"body": "Жооп"})
    assert response.status_code == 302
    reply = Message.objects.get(body="Жооп")
    assert response["Location"] == f"/ky/diary/mail/{thread.pk}/#m{reply.pk}"
    assert reply.sender == small_school.teacher.user
    inbox = client_for(small_school, "parent").get("/ky/diary/mail/").content.decode()
    assert f'data-thread="{thread.pk}" data-unread="1"' in inbox


def test_an_empty_reply_is_refused_with_a_message_and_nothing_is_sent(small_school):
    thread = thread_start(sender=small_school.parent.user, recipient_ids=[small_school.teacher.user.pk],
                          subject="Суроо", body="Биринчи кат")  # fmt: skip
    response = client_for(small_school, "teacher").post(f"/ky/diary/mail/{thread.pk}/", {"body": "   "})
    assert response.status_code == 400
    assert b'data-field="body"' in response.content
    assert Message.objects.filter(thread=thread).count() == 1


def test_someone_outside_the_conversation_gets_404_and_cannot_reply(small_school):
    thread = thread_start(sender=small_school.parent.user, recipient_ids=[small_school.teacher.user.pk],
                          subject="Суроо", body="Жеке кат")  # fmt: skip
    other = client_for(small_school, "other_parent")
    assert other.get(f"/ky/diary/mail/{thread.pk}/").status_code == 404
    assert other.post(f"/ky/diary/mail/{thread.pk}/", {"body": "Мен да"}).status_code == 404
    assert other.get("/ky/diary/mail/99999999999999/").status_code == 404
    assert "Жеке кат" not in other.get("/ky/diary/mail/").content.decode()
    assert Message.objects.filter(thread=thread).count() == 1


def test_writing_to_someone_d15_does_not_allow_is_refused_with_403(small_school):
    parent = client_for(small_school, "parent")
    form = {"to": [small_school.other_parent.user.pk], "subject": "Салам", "body": "Салам"}
    response = parent.post("/ky/diary/mail/new/", form)
    assert response.status_code == 403
    assert b'data-code="permission_denied"' in response.content
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"to": [], "subject": "Салам", "body": "Салам"}, "to"),
        ({"to": ["abc"], "subject": "Салам", "body": "Салам"}, "to"),
        ({"to": ["99999999999999"], "subject": "Салам", "body": "Салам"}, "to"),
        ({"to": "TEACHER", "subject": "", "body": "Салам"}, "subject"),
        ({"to": "TEACHER", "subject": "Салам", "body": ""}, "body"),
    ],
)
def test_a_bad_message_is_refused_with_the_fields_reason_and_the_form_kept(small_school, form, field):
    form = {**form, "to": [small_school.teacher.user.pk] if form["to"] == "TEACHER" else form["to"]}
    response = client_for(small_school, "parent").post("/ky/diary/mail/new/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-field="{field}"' in html
    assert 'role="alert"' in html
    if form["body"]:
        assert form["body"] in html
    assert not Thread.objects.exists()


def test_the_forms_refuse_a_post_without_the_csrf_token(small_school):
    client = client_for(small_school, "parent", enforce_csrf_checks=True)
    form = {"to": [small_school.teacher.user.pk], "subject": "Салам", "body": "Салам"}
    assert client.post("/ky/diary/mail/new/", form).status_code == 403
    assert not Thread.objects.exists()


def test_the_inbox_lists_newest_first_and_pages(small_school):
    teacher, parent = small_school.teacher.user, small_school.parent.user
    threads = [
        thread_start(sender=parent, recipient_ids=[teacher.pk], subject=f"Тема {n}", body="Текст") for n in range(22)
    ]
    message_send(sender=teacher, thread=threads[0], body="Эң акыркы")
    client = client_for(small_school, "parent")
    first = client.get("/ky/diary/mail/").content.decode()
    listed = [int(pk) for pk in re.findall(r'data-thread="(\d+)"', first)]
    assert len(listed) == 20
    assert listed[0] == threads[0].pk  # its reply makes it the newest
    assert listed[1] == threads[-1].pk
    assert f'data-thread="{threads[0].pk}" data-unread="1"' in first
    second = client.get("/ky/diary/mail/?page=2").content.decode()
    assert len(re.findall(r'data-thread="(\d+)"', second)) == 2
    assert client.get("/ky/diary/mail/?page=junk").status_code == 200


def test_the_inbox_takes_a_constant_number_of_queries(small_school, django_assert_max_num_queries):
    teacher, parent = small_school.teacher.user, small_school.parent.user
    client = client_for(small_school, "parent")
    thread_start(sender=parent, recipient_ids=[teacher.pk], subject="Тема", body="Текст")
    client.get("/ky/diary/mail/")
    with django_assert_max_num_queries(12):
        client.get("/ky/diary/mail/")
    for number in range(10):
        thread_start(sender=parent, recipient_ids=[teacher.pk, small_school.homeroom.user.pk], subject=f"{number}",
                     body="Текст")  # fmt: skip
    with django_assert_max_num_queries(12):
        response = client.get("/ky/diary/mail/")
    assert len(re.findall(r'data-thread="(\d+)"', response.content.decode())) == 11


def test_an_empty_inbox_says_so(small_school):
    response = client_for(small_school, "student").get("/ky/diary/mail/")
    assert response.status_code == 200
    assert 'id="inbox-empty"' in response.content.decode()
    assert not ThreadParticipant.objects.exists()


def test_an_account_linked_to_nobody_is_told_how_to_get_linked(small_school):
    lonely = factories.GuardianFactory(school=small_school.school, user=factories.UserFactory(username="lonely"))
    client = Client()
    client.force_login(lonely.user)
    inbox = client.get("/ky/diary/mail/").content.decode()
    assert 'id="not-linked"' in inbox and 'id="inbox-empty"' in inbox
    compose = client.get("/ky/diary/mail/new/").content.decode()
    assert 'id="not-linked"' in compose and "<option" not in compose
