import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Replaces every user with those of a JSON list read on stdin: "
        '[{"id": 1, "username": "admin", "password": "abc123", "email": "...", "is_active": true}], '
        "so that the users here have the ids, usernames and passwords of the Nest app's users."
    )

    def handle(self, *args, **options):
        users = json.load(sys.stdin)
        model = get_user_model()
        with transaction.atomic():
            model.objects.all().delete()
            for entry in users:
                user = model(
                    id=entry["id"],
                    username=entry["username"],
                    email=entry.get("email", ""),
                    is_active=entry.get("is_active", True),
                )
                user.set_password(entry["password"])
                user.save()
        self.stdout.write(json.dumps({"users": [entry["username"] for entry in users]}))
