from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a periodic task reached a Celery worker through the broker (one row per
    ``name``): the health endpoint reads it to tell whether the scheduler, the broker and a
    worker all work."""

    name = models.CharField(_("nom"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("dernier battement"))

    class Meta:
        verbose_name = _("battement de cœur")
        verbose_name_plural = _("battements de cœur")

    def __str__(self) -> str:
        return self.name
