"""Where the files of help requests and of the media bank live: a directory outside STATIC and
MEDIA (``PRIVATE_MEDIA_ROOT``) that no URL maps to. Files are served by views that check who
asks, as attachments (see ``backoffice.support_views`` and ``support.admin``)."""

from django.core.files.storage import FileSystemStorage, storages


class PrivateStorage(FileSystemStorage):
    """A file system storage without public URLs: ``url()`` refuses, so no template or admin
    widget can link to a file directly."""

    def url(self, name):
        raise NotImplementedError("Private files have no public URL: serve them through a view.")


def private_storage():
    """The ``private`` storage of ``settings.STORAGES`` (a callable, so tests may point it
    elsewhere)."""
    return storages["private"]
