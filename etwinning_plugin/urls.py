"""The plugin's URLs, mounted by the platform under ``/etwinning/``."""

from django.urls import path, re_path

from . import views
from .rest_api.views import CourseFiguresCSV, CourseFiguresPage, CourseFiguresView, SiteFiguresCSV, SiteFiguresView

app_name = "etwinning"

urlpatterns = [
    path("api/v1/taxonomy/", views.taxonomy, name="taxonomy"),
    path("api/v1/figures/", SiteFiguresView.as_view(), name="site-figures"),
    path("api/v1/figures/csv/", SiteFiguresCSV.as_view(), name="site-figures-csv"),
    re_path(r"^api/v1/courses/(?P<course_id>[^/]+)/figures/$", CourseFiguresView.as_view(), name="course-figures"),
    re_path(r"^api/v1/courses/(?P<course_id>[^/]+)/figures/csv/$", CourseFiguresCSV.as_view(),
            name="course-figures-csv"),
    re_path(r"^courses/(?P<course_id>[^/]+)/figures/$", CourseFiguresPage.as_view(), name="course-figures-page"),
]
