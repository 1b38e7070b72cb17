"""Server-rendered diary pages under /<lang>/diary/: one module per area, each with its own `urlpatterns`."""
