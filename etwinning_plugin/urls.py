"""The plugin's URLs, mounted by the platform under ``/etwinning/``."""

from django.urls import path, re_path

from . import change_feed, views
from .rest_api.pages import CourseFiguresPage, SiteFiguresPage
from .rest_api.views import (
    CourseFiguresCSV,
    CourseFiguresView,
    CourseFiguresXLSX,
    SiteFiguresCSV,
    SiteFiguresView,
    SiteFiguresXLSX,
)

app_name = "etwinning"

urlpatterns = [
    path("api/v1/taxonomy/", views.taxonomy, name="taxonomy"),
    path("changes/", change_feed.change_feed, name="changes"),
    path("api/v1/figures/", SiteFiguresView.as_view(), name="site-figures"),
    path("api/v1/figures/csv/", SiteFiguresCSV.as_view(), name="site-figures-csv"),
    path("api/v1/figures/xlsx/", SiteFiguresXLSX.as_view(), name="site-figures-xlsx"),
    re_path(r"^api/v1/courses/(?P<course_id>[^/]+)/figures/$", CourseFiguresView.as_view(), name="course-figures"),
    re_path(r"^api/v1/courses/(?P<course_id>[^/]+)/figures/csv/$", CourseFiguresCSV.as_view(),
            name="course-figures-csv"),
    re_path(r"^api/v1/courses/(?P<course_id>[^/]+)/figures/xlsx/$", CourseFiguresXLSX.as_view(),
            name="course-figures-xlsx"),
    path("figures/", SiteFiguresPage.as_view(), name="site-figures-page"),
    re_path(r"^courses/(?P<course_id>[^/]+)/figures/$", CourseFiguresPage.as_view(), name="course-figures-page"),
]
