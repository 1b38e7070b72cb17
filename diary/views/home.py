"""The diary's start page: each person lands on the screen they use most, or sees their menu."""

from django.shortcuts import redirect, render
from django.urls import path

from diary.menu import diary_menu
from diary.views.base import DiaryView


class HomeView(DiaryView):
    def get(self, request):
        items = diary_menu(request.user)
        if items and request.GET.get("menu") is None:
            return redirect(items[0].url)
        return render(request, "diary/home.html", {"items": items})


urlpatterns = [path("", HomeView.as_view(), name="home")]
