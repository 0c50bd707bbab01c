from django.contrib.admin.apps import AdminConfig


class SoMobiliteAdminConfig(AdminConfig):
    default_site = "somobilite.admin_site.SoMobiliteAdminSite"

    def ready(self) -> None:
        super().ready()
        from .admin_site import french_third_party_names
        from .history import reuse_history_manager_classes

        french_third_party_names()
        reuse_history_manager_classes()
