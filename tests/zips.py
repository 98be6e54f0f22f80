"""Build .zip archives in memory for upload tests (including hostile ones)."""
import io
import zipfile


def make_zip(members, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """members: (name, bytes) pairs, written as given (names are not sanitized: tests need '../x')."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members:
            if name.endswith("/"):
                zf.writestr(zipfile.ZipInfo(name), b"")
            else:
                zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buf.getvalue()
