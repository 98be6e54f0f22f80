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


def make_docx(text: str) -> bytes:
    """A Word file (python-docx) with one paragraph per line of `text`: a zip that is a document."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_odt(text: str) -> bytes:
    """A minimal OpenDocument text: a zip whose first part, `mimetype`, says what it is."""
    return make_zip([("mimetype", b"application/vnd.oasis.opendocument.text"),
                     ("content.xml", text.encode()), ("META-INF/manifest.xml", b"<manifest/>")],
                    compression=zipfile.ZIP_STORED)
