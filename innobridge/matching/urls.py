from django.urls import path

from innobridge.matching import views

app_name = "matching"
urlpatterns = [
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<slug:slug>/", views.offer_detail, name="offer_detail"),
    path("offers/<slug:slug>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<slug:slug>/renew/", views.offer_renew, name="offer_renew"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<slug:slug>/", views.need_detail, name="need_detail"),
    path("needs/<slug:slug>/edit/", views.need_edit, name="need_edit"),
    path("feedback/<slug:need_slug>/<slug:offer_slug>/<str:side>/", views.feedback, name="feedback"),
    path("interest/<str:kind>/<slug:slug>/", views.express_interest, name="express_interest"),
    path("contact-requests/", views.contact_request_list, name="contact_request_list"),
    path("contact-requests/<slug:slug>/", views.contact_request_detail, name="contact_request_detail"),
    path("rankers/", views.ranker_list, name="ranker_list"),
    path("rankers/<slug:slug>/", views.ranker_detail, name="ranker_detail"),
]
