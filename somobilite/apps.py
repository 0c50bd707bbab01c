from django.contrib.admin.apps import AdminConfig


class SoMobiliteAdminConfig(AdminConfig):
    default_site = "somobilite.admin_site.SoMobiliteAdminSite"
