"""Load the fictional demo data of every app (idempotent: run it as often as you like)."""

import importlib

from django.core.management.base import BaseCommand

from advisors.demo import print_demo_accounts

DEMO_MODULES = ["advisors.demo", "programmes.demo", "bookings.demo"]


class Command(BaseCommand):
    help = "Crée ou met à jour les données de démonstration (fictives) et affiche les comptes."

    def handle(self, *args, **options):
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                self.stdout.write(f"{name} : pas encore de données de démonstration.")
                continue
            module.seed(self.stdout)
        print_demo_accounts(self.stdout)
