from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.authentication import JWTAuthentication


class ProtectedView(APIView):
    """Answers as the Nest test app's /protected-url does: the authenticated user's username."""

    authentication_classes = (JWTAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        return Response({"username": request.user.get_username()})

    def post(self, request):
        return Response({"username": request.user.get_username()})
