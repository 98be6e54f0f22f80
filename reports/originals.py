"""Original report files in storage by content: written once under their sha256 path before any row
names them, never deleted while a row does, and the unreferenced ones found for cleanup_files."""
from __future__ import annotations

import posixpath
from collections.abc import Iterator
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from reports.models import ImportFile, Report

REPORTS_DIR = "reports"   # reports/<sha[:2]>/<sha>/<file name>: Report.file (models.report_upload_to)
IMPORTS_DIR = "imports"   # imports/<batch folder>/<sha>: ImportFile.blob, until the batch is over


def storage_name(sha256: str, basename: str) -> str:
    """Where the original of these bytes goes: the model's upload_to, with a name of sane length."""
    return Report.file.field.generate_filename(Report(sha256=sha256), _short(basename))


def store(sha256: str, basename: str, data: bytes) -> str:
    """Save the bytes under their content path unless a complete copy is there; return the name.

    Idempotent, so that a chunk taken up again after a crash reuses what it wrote. A shorter file
    at that name (a write cut off by a crash) is not overwritten, since nothing is deleted here:
    the storage then picks a free name beside it and the short one is left to cleanup_files.
    """
    name = storage_name(sha256, basename)
    try:
        if default_storage.exists(name) and default_storage.size(name) == len(data):
            return name
    except OSError:
        pass
    return default_storage.save(name, ContentFile(data))


def _short(basename: str) -> str:
    stem, dot, ext = basename.rpartition(".")
    if not dot:
        stem, ext = basename, ""
    return (stem[:150] + (f".{ext[:10]}" if ext else "")) or "report"


def unreferenced(*, older_than: timedelta) -> Iterator[str]:
    """Stored files no row names: under reports/ no Report.file, under imports/ no
    ImportFile.blob. Files younger than `older_than` are left alone, since an import may have
    written them a moment before committing the row that names them.

    One folder at a time (reports/ab/, imports/<batch folder>/) with one query each, so memory
    stays bounded however many reports there are.
    """
    cutoff = timezone.now() - older_than
    for folder, field, model in ((REPORTS_DIR, "file", Report), (IMPORTS_DIR, "blob", ImportFile)):
        for top in _subdirs(folder):
            prefix = f"{folder}/{top}/"
            names = list(_walk(prefix.rstrip("/")))
            if not names:
                continue
            named = set(model.objects.filter(**{f"{field}__startswith": prefix}).values_list(field, flat=True))
            for name in names:
                if name not in named and _modified(name) < cutoff:
                    yield name


def missing() -> Iterator[tuple[int, str]]:
    """(report id, file name) of every report whose original is not in storage."""
    for pk, name in Report.objects.order_by("pk").values_list("pk", "file").iterator(chunk_size=2000):
        if not name or not default_storage.exists(name):
            yield pk, name


def _subdirs(path: str) -> list[str]:
    try:
        dirs, _files = default_storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(dirs)


def _walk(path: str) -> Iterator[str]:
    try:
        dirs, files = default_storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    for f in sorted(files):
        yield posixpath.join(path, f)
    for d in sorted(dirs):
        yield from _walk(posixpath.join(path, d))


def _modified(name: str):
    try:
        return default_storage.get_modified_time(name)
    except (OSError, NotImplementedError):
        return timezone.now()  # unknown age: treated as new, never deleted
