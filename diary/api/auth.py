"""Auth endpoints: login, logout, redeeming an access code (D4), who am I, and issuing codes."""

import logging

from django.contrib.auth import authenticate, get_user_model, user_logged_in
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from cms.client import client_address
from diary.api.base import CREATED, DiaryAPIView, error_body
from diary.api.serializers import (
    AccessCodeInput,
    AccessCodeOutput,
    AnyObject,
    ClassInput,
    LinkOutput,
    LoginInput,
    RedeemInput,
    RedeemLinkInput,
    TokenOutput,
)
from diary.exceptions import DiaryPermissionDenied
from diary.menu import menu_forget
from diary.models import AccessCode, ApiToken, Guardian, SchoolClass, StaffMember, Student
from diary.pdf import code_slips_pdf
from diary.permissions import children_of, current_class, may_manage_class, school_of, staff_member_of, student_of
from diary.selectors.homeroom import class_students
from diary.services.access import (
    access_code_issue,
    access_code_link,
    access_code_redeem,
    access_code_revoke,
    api_token_issue,
    api_token_revoke,
    class_code_slips_issue,
)

logger = logging.getLogger("diary.access")


def token_response(user, status=200):
    issued = api_token_issue(user=user)
    return Response({"token": issued.key, "expires_at": issued.token.expires_at}, status=status)


class LoginView(DiaryAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=LoginInput, responses={200: TokenOutput})
    def post(self, request):
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        user = authenticate(request, username=username, password=data.validated_data["password"])
        if getattr(request, "axes_locked_out", False):
            logger.warning("Locked-out login attempt for %r from %s", username, client_address(request))
            return Response(error_body("locked_out", _("Too many failed attempts. Try again in an hour.")), status=429)
        if user is None:
            logger.warning("Failed login for %r from %s", username, client_address(request))
            return Response(error_body("invalid_credentials", _("Wrong username or password.")), status=401)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        logger.info("API login of %s from %s", user.username, client_address(request))
        return token_response(user)


class LogoutView(DiaryAPIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            api_token_revoke(token=request.auth)
        return Response(status=204)


class RedeemView(DiaryAPIView):
    """D4: anonymous, a code and a new username and password create a new account (201, a token); sent with a
    session or a bearer token, a code links its person to the caller's own account (200)."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="RedeemRequest",
            serializers=[RedeemInput, RedeemLinkInput],
            resource_type_field_name=None,
        ),
        responses={201: TokenOutput, 200: LinkOutput},
        description=(
            "Anonymous: `{code, username, password}` creates a new account for the code's person and answers 201 "
            "with a token. An existing username is refused (400) whatever the password: nothing here checks a "
            "password. With a session or a bearer token: `{code}` links the code's person to the caller's own "
            "account (a teacher who is also a parent; a parent's code for another child) and answers 200 with the "
            "account's person and children. Unknown, used, revoked or expired codes get one answer (400); a person "
            "already linked to another account cannot be linked (400); repeated failures from one address are "
            "refused (429)."
        ),
    )
    def post(self, request):
        if request.user.is_authenticated:
            data = RedeemLinkInput(data=request.data)
            data.is_valid(raise_exception=True)
            access_code_link(user=request.user, code=data.validated_data["code"], client=client_address(request))
            menu_forget(request.user)
            return Response(account_people(request.user))
        data = RedeemInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = access_code_redeem(client=client_address(request), **data.validated_data)
        return token_response(user, status=CREATED)


def child_data(child) -> dict:
    return {
        "id": child.pk,
        "code": child.code,
        "name": child.full_name,
        "class": getattr(current_class(child), "code", None),
    }


def account_people(user) -> dict:
    """The account's own person and its children, read afresh (a code may have just linked one)."""
    fresh = get_user_model().objects.get(pk=user.pk)
    person = staff_member_of(fresh) or student_of(fresh) or Guardian.objects.filter(user=fresh).first()
    return {
        "person": {"code": person.code, "name": person.full_name} if person else None,
        "children": [
            {
                "id": child.pk,
                "code": child.code,
                "name": child.full_name,
                "class": getattr(current_class(child), "code", None),
            }
            for child in children_of(fresh)
        ],
    }


class MeView(DiaryAPIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        user = request.user
        school = school_of(user)
        staff = staff_member_of(user)
        student = student_of(user)
        roles = list(staff.roles) if staff else []
        if staff and staff.homeroom_classes.exists():
            roles.append("homeroom")
        if student:
            roles.append("student")
        children = children_of(user)
        if children:
            roles.append("guardian")
        person = staff or student or Guardian.objects.filter(user=user).first()
        return Response(
            {
                "username": user.username,
                "school": {"code": school.code, "name": school.name} if school else None,
                "roles": roles,
                "person": {"code": person.code, "name": person.full_name} if person else None,
                "children": [child_data(child) for child in children],
            }
        )


class AccessCodesView(DiaryAPIView):
    @extend_schema(
        operation_id="access_codes_list",
        parameters=[OpenApiParameter("class", str, description="a class code, e.g. 5А")],
        responses={200: AnyObject(many=True)},
    )
    def get(self, request):
        """D4: the codes issued for a class's students and guardians, and which are used (homeroom, administration)."""
        school_class = class_or_404(request)
        if not may_manage_class(request.user, school_class):
            raise DiaryPermissionDenied(_("Only the homeroom teacher or the administration sees this class's codes."))
        students = class_students(school_class)
        guardians = {guardian.pk for student in students for guardian in student.guardians.all()}
        codes = (
            AccessCode.objects.filter(Q(student__in=students) | Q(guardian__in=guardians))
            .select_related("student", "guardian")
            .order_by("-created_at")
        )
        return Response(
            [
                {
                    "id": code.pk,
                    "person_kind": code.person_kind,
                    "person": {"code": code.person.code, "name": code.person.full_name},
                    "status": code.status,
                    "created_at": code.created_at,
                    "expires_at": code.expires_at,
                    "used_at": code.used_at,
                }
                for code in codes
            ]
        )

    @extend_schema(request=AccessCodeInput, responses={201: AccessCodeOutput})
    def post(self, request):
        data = AccessCodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        school = school_of(request.user)
        model = {"staff": StaffMember, "student": Student, "guardian": Guardian}[data.validated_data["person_kind"]]
        person = get_object_or_404(model, school=school, code=data.validated_data["person_code"])
        issued = access_code_issue(actor=request.user, person=person)
        return Response({"code": issued.code, "expires_at": issued.access_code.expires_at}, status=CREATED)


class AccessCodeRevokeView(DiaryAPIView):
    @extend_schema(request=None, responses={200: AnyObject})
    def post(self, request, pk: int):
        """D4: an unused code is revoked (a lost slip); the homeroom teacher or the administration."""
        access_code = get_object_or_404(
            AccessCode.objects.select_related("staff", "student", "guardian"), pk=pk, school=school_of(request.user)
        )
        access_code = access_code_revoke(actor=request.user, access_code=access_code)
        return Response({"id": access_code.pk, "status": access_code.status})


def class_or_404(request) -> SchoolClass:
    return get_object_or_404(
        SchoolClass.objects.select_related("school"),
        school=school_of(request.user),
        code=request.query_params.get("class", ""),
    )


class AccessCodeSlipsView(DiaryAPIView):
    @extend_schema(request=ClassInput, responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def post(self, request):
        """D4: a PDF of code slips (ky and ru) for the class's students and guardians who have no account yet."""
        data = ClassInput(data=request.data)
        data.is_valid(raise_exception=True)
        school_class = get_object_or_404(
            SchoolClass.objects.select_related("school"),
            school=school_of(request.user),
            code=data.validated_data["class"],
        )
        slips = class_code_slips_issue(actor=request.user, school_class=school_class)
        pdf = code_slips_pdf(school_class=school_class, slips=slips, site_address=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="codes-{school_class.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
