from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from evaluations import views as evaluation_views
from units.security import LoginForm, ThrottledPasswordChangeView
from zi_tracker import sessions

urlpatterns = [
    path("", evaluation_views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
         name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", ThrottledPasswordChangeView.as_view(), name="password_change"),
    path("kata-sandi/selesai/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("sesi/perpanjang/", sessions.keepalive, name="session_keepalive"),
    path("admin/", admin.site.urls),
    path("", include("evaluations.urls")),
    path("", include("programme.urls")),
    path("", include("surveys.urls")),
    path("", include("proposals.urls")),
]
