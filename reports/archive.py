"""Safe expansion of uploaded .zip archives into (name, bytes) members, in memory only."""
from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or the end record of an empty archive
# Operating-system litter found in archives made by hand; never reports, never worth a line.
_JUNK_PARTS = ("__MACOSX",)
_JUNK_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")
_CHUNK = 1 << 16
# Zip containers that are documents, not folders (Office Open XML, OpenDocument, EPUB).
DOCUMENT_EXTENSIONS = frozenset({
    ".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".pptx", ".pptm", ".potx",
    ".ppsx", ".odt", ".ott", ".ods", ".ots", ".odp", ".otp", ".odg", ".epub", ".ofd",
})
_DOCUMENT_MIMETYPES = (b"application/vnd.oasis.opendocument.", b"application/epub+zip")
# Small members may compress very well (a page of spaces) without being a threat: the ratio
# limit only bites above this many uncompressed bytes.
RATIO_FLOOR = 1 << 20


@dataclass(frozen=True)
class Limits:
    total_bytes: int        # all members together, uncompressed
    members: int            # number of file members
    ratio: int              # uncompressed / compressed, per member and for the whole archive
    member_bytes: int       # one member, uncompressed (the single-file limit)

    @classmethod
    def from_settings(cls):
        from django.conf import settings

        return cls(settings.REPORT_MAX_ARCHIVE_BYTES, settings.REPORT_MAX_ARCHIVE_MEMBERS,
                   settings.REPORT_MAX_COMPRESSION_RATIO, settings.REPORT_MAX_FILE_BYTES)


@dataclass(frozen=True)
class Member:
    """One file read out of the archive; `name` is its path inside the archive."""

    name: str
    data: bytes


@dataclass(frozen=True)
class RefusedMember:
    """A member that was not read, and why (in words the uploader can act on)."""

    name: str
    reason: str


class ArchiveRefused(Exception):
    """The whole archive is refused (corrupt, too many members, too large once expanded)."""


def is_zip(filename: str, data: bytes) -> bool:
    """A zip container by name or signature: an archive, or a document such as .docx (is_archive)."""
    return filename.lower().endswith(".zip") or data[:4] in ZIP_MAGIC


def is_archive(filename: str, data: bytes) -> bool:
    """A zip to expand into its members: a zip container that is not a document (issue 9: every
    .docx failed at upload because its XML parts were imported as files)."""
    return is_zip(filename, data) and not is_document(filename, data)


def is_document(filename: str, data: bytes) -> bool:
    """A zip container that is one document: an Office or OpenDocument file by its extension, or
    any zip whose parts say so (OOXML's [Content_Types].xml, ODF's and EPUB's mimetype part)."""
    if posixpath.splitext(filename.lower())[1] in DOCUMENT_EXTENSIONS:
        return True
    if data[:4] not in ZIP_MAGIC:
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" in names:
                return True
            if "mimetype" in names:
                return zf.read("mimetype")[:64].startswith(_DOCUMENT_MIMETYPES)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError,
            NotImplementedError, RuntimeError):
        return False  # expand() says what is wrong with a damaged archive
    return False


def expand(data: bytes, *, limits: Limits) -> list[Member | RefusedMember]:
    """Return the archive's file members in archive order. Unsafe members (absolute paths, '..',
    nested archives, encrypted, over a limit) come back as RefusedMember; directories and
    __MACOSX litter are left out. Sizes are counted as bytes are read, never taken from the
    headers alone. Raises ArchiveRefused when the archive as a whole cannot be accepted."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise ArchiveRefused(_("压缩包已损坏或不是 zip 格式 (corrupt or not a zip archive)")) from exc
    files = [i for i in infos if not i.is_dir() and not _is_junk(i.filename)]
    if len(files) > limits.members:
        raise ArchiveRefused(
            _("压缩包内文件过多（%(n)d 个，上限 %(max)d 个） (too many files in the archive)")
            % {"n": len(files), "max": limits.members})
    declared = sum(i.file_size for i in files)
    if declared > limits.total_bytes:
        raise ArchiveRefused(_("压缩包解压后过大（超过 %(max)s） (archive expands beyond the limit)")
                             % {"max": _megabytes(limits.total_bytes)})
    out: list[Member | RefusedMember] = []
    total_read = 0
    compressed_total = max(1, sum(i.compress_size for i in files))
    for info in files:
        name = info.filename
        reason = _unsafe_reason(info)
        if reason:
            out.append(RefusedMember(name, reason))
            continue
        budget = min(limits.member_bytes, limits.total_bytes - total_read,
                     max(RATIO_FLOOR, info.compress_size * limits.ratio))
        try:
            content = _read_capped(zf, info, budget)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
                RuntimeError) as exc:
            out.append(RefusedMember(name, _("无法解压此文件（%(err)s） (cannot be extracted)") % {"err": exc}))
            continue
        if content is None:
            if budget == limits.member_bytes:
                reason = _("文件超过大小上限 %(max)s (file too large)") % {"max": _megabytes(limits.member_bytes)}
            elif budget == limits.total_bytes - total_read:
                raise ArchiveRefused(_("压缩包解压后过大（超过 %(max)s） (archive expands beyond the limit)")
                                     % {"max": _megabytes(limits.total_bytes)})
            else:
                reason = _("压缩比异常（超过 %(ratio)d 倍），疑似压缩炸弹，已拒绝 (suspicious compression ratio)") % {
                    "ratio": limits.ratio}
            out.append(RefusedMember(name, reason))
            continue
        total_read += len(content)
        if total_read > max(RATIO_FLOOR, compressed_total * limits.ratio):
            raise ArchiveRefused(_("压缩包整体压缩比异常，疑似压缩炸弹，已拒绝 (suspicious compression ratio)"))
        if is_archive(name, content):
            out.append(RefusedMember(name, _("不支持嵌套的压缩包，请先解压 (nested archives are not accepted)")))
            continue
        out.append(Member(name, content))
    return out


def _is_junk(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return any(p in _JUNK_PARTS for p in parts) or parts[-1] in _JUNK_NAMES or parts[-1].startswith("._")


def _unsafe_reason(info: zipfile.ZipInfo) -> str | None:
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in name.split("/"):
        return _("压缩包内的路径不安全（绝对路径或含“..”），已拒绝 (unsafe path in archive)")
    if posixpath.normpath(name).startswith("../"):
        return _("压缩包内的路径不安全（绝对路径或含“..”），已拒绝 (unsafe path in archive)")
    if info.flag_bits & 0x1:
        return _("文件已加密，无法读取 (encrypted member)")
    return None


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """The member's bytes, or None as soon as more than `cap` bytes come out."""
    chunks, size = [], 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > cap:
                return None
            chunks.append(chunk)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n} B"
