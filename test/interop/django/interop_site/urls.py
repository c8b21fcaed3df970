"""simplejwt's views at the URLs of its README, each with or without the trailing slash."""
from django.urls import re_path
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenObtainSlidingView,
    TokenRefreshSlidingView,
    TokenRefreshView,
    TokenVerifyView,
)

from .views import ProtectedView

urlpatterns = [
    re_path(r"^api/token/?$", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    re_path(r"^api/token/refresh/?$", TokenRefreshView.as_view(), name="token_refresh"),
    re_path(r"^api/token/verify/?$", TokenVerifyView.as_view(), name="token_verify"),
    re_path(r"^api/token/blacklist/?$", TokenBlacklistView.as_view(), name="token_blacklist"),
    # The sliding views, beside the pair views (simplejwt's docs wire them at /api/token/ instead).
    re_path(r"^api/token/sliding/?$", TokenObtainSlidingView.as_view(), name="token_obtain_sliding"),
    re_path(r"^api/token/sliding/refresh/?$", TokenRefreshSlidingView.as_view(), name="token_refresh_sliding"),
    re_path(r"^protected-url/?$", ProtectedView.as_view(), name="protected"),
]
