"""Safe zip expansion: traversal, nesting, bombs, member and size limits, junk entries."""
import pytest

from reports.archive import ArchiveRefused, Limits, Member, RefusedMember, expand, is_archive, is_document, is_zip
from tests.zips import make_docx, make_odt, make_zip

LIMITS = Limits(total_bytes=50 * 1024 * 1024, members=10, ratio=100, member_bytes=20 * 1024 * 1024)
REPORT = "某某市2022年政府信息公开工作年度报告".encode() * 10


def names(items, kind):
    return [i.name for i in items if isinstance(i, kind)]


def test_members_come_back_in_archive_order_with_their_bytes():
    items = expand(make_zip([("a/one.txt", REPORT), ("two.html", b"<p>x</p>")]), limits=LIMITS)
    assert items == [Member("a/one.txt", REPORT), Member("two.html", b"<p>x</p>")]


def test_directories_and_macos_litter_are_left_out():
    data = make_zip([("dir/", b""), ("__MACOSX/._a.txt", b"x"), ("dir/.DS_Store", b"x"),
                     ("dir/._b.txt", b"x"), ("dir/a.txt", REPORT)])
    assert names(expand(data, limits=LIMITS), Member) == ["dir/a.txt"]


@pytest.mark.parametrize("bad_name", ["../../x.txt", "/etc/passwd", "a/../../x.txt", "..\\..\\x.txt", "C:/x.txt"])
def test_member_paths_outside_the_archive_are_refused(bad_name):
    items = expand(make_zip([(bad_name, REPORT), ("ok.txt", REPORT)]), limits=LIMITS)
    assert names(items, RefusedMember) == [bad_name]
    assert "路径不安全" in items[0].reason
    assert names(items, Member) == ["ok.txt"]


def test_nested_archive_is_refused_by_content_not_only_by_name():
    inner = make_zip([("a.txt", REPORT)])
    items = expand(make_zip([("inner.zip", inner), ("disguised.txt", inner), ("ok.txt", REPORT)]), limits=LIMITS)
    assert names(items, RefusedMember) == ["inner.zip", "disguised.txt"]
    assert all("嵌套" in i.reason for i in items if isinstance(i, RefusedMember))


def test_zip_bomb_member_is_refused_for_its_compression_ratio():
    bomb = b"\0" * (8 * 1024 * 1024)  # deflates about 1000:1
    items = expand(make_zip([("bomb.txt", bomb), ("ok.txt", REPORT)]), limits=LIMITS)
    assert names(items, RefusedMember) == ["bomb.txt"]
    assert "压缩比" in items[0].reason
    assert names(items, Member) == ["ok.txt"]


def test_archive_expanding_beyond_the_total_limit_is_refused_whole():
    small = Limits(total_bytes=1000, members=10, ratio=100, member_bytes=1000)
    with pytest.raises(ArchiveRefused, match="解压后过大"):
        expand(make_zip([("a.txt", b"x" * 600), ("b.txt", b"y" * 600)]), limits=small)


def test_member_over_the_single_file_limit_is_refused():
    small = Limits(total_bytes=10_000_000, members=10, ratio=100_000, member_bytes=100)
    items = expand(make_zip([("big.txt", REPORT)]), limits=small)
    assert isinstance(items[0], RefusedMember) and "大小上限" in items[0].reason


def test_too_many_members_refuses_the_archive():
    with pytest.raises(ArchiveRefused, match="文件过多"):
        expand(make_zip([(f"{i}.txt", b"x") for i in range(11)]), limits=LIMITS)


def test_corrupt_archive_is_refused():
    with pytest.raises(ArchiveRefused, match="损坏"):
        expand(b"PK\x03\x04" + b"garbage" * 10, limits=LIMITS)


def test_zip_is_recognised_by_magic_bytes_or_extension():
    assert is_zip("x.txt", make_zip([("a", b"b")]))
    assert is_zip("X.ZIP", b"")
    assert not is_zip("x.txt", REPORT)


def test_word_and_opendocument_files_are_documents_not_archives():
    """Issue 9: every .docx failed at upload, its XML parts imported as files."""
    docx, odt = make_docx("某某市2022年政府信息公开工作年度报告"), make_odt("<office:text/>")
    assert is_zip("report.docx", docx) and not is_archive("report.docx", docx)
    assert is_document("report.docx", b"") and is_document("report.odt", odt)
    # The parts say so whatever the name: a Word file saved without extension, an ODF renamed .zip.
    assert is_document("report", docx) and not is_archive("report.zip", odt)
    folder = make_zip([("a.txt", REPORT)])
    assert is_archive("folder.zip", folder) and is_archive("folder", folder) and not is_document("folder.zip", folder)


def test_a_word_file_inside_an_archive_is_a_member_not_a_nested_archive():
    docx = make_docx("某某市2022年政府信息公开工作年度报告")
    items = expand(make_zip([("reports/a.docx", docx), ("b.zip", make_zip([("x.txt", REPORT)]))]), limits=LIMITS)
    assert items[0] == Member("reports/a.docx", docx)
    assert names(items, RefusedMember) == ["b.zip"]
