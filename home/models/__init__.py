"""The school site's pages (pages.py) and the visitors' questions (questions.py)."""

from home.models.pages import (
    FeedbackPage,
    HomePage,
    NewsArticlePage,
    NewsIndexPage,
    SiteMapPage,
    home_page_route,
)
from home.models.questions import Question, QuestionAnswerForm

__all__ = [
    "FeedbackPage",
    "HomePage",
    "NewsArticlePage",
    "NewsIndexPage",
    "Question",
    "QuestionAnswerForm",
    "SiteMapPage",
    "home_page_route",
]
