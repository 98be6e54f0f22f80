"""`manage.py import_reports`: files, folders and zips through ingest; a table, a summary, the exit status."""
import shutil

import pytest
from django.core.management import CommandError, call_command

from reports.models import Report
from tests.conftest import CORPUS_DIR
from tests.zips import make_zip

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_reports", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def summary(out):
    return out.strip().splitlines()[-1]


def test_a_folder_twice_imports_then_reports_duplicates():
    folder = CORPUS_DIR / "hebei-old"
    out, _ = run(folder)
    assert summary(out) == "16 files: created 8, skipped 8"
    assert Report.objects.count() == 8
    out, _ = run(folder)
    assert summary(out) == "16 files: duplicate 8, skipped 8"
    assert Report.objects.count() == 8
    assert "old-2013-hebei-jyt.txt" in out and "duplicate" in out


def test_files_and_zips_are_accepted_and_a_failure_exits_non_zero(tmp_path):
    good = CORPUS_DIR / "hebei-old" / "old-2013-hebei-jyt.txt"
    (tmp_path / "empty.txt").write_bytes(b"")
    archive = tmp_path / "batch.zip"
    archive.write_bytes(make_zip([("a/" + good.name, good.read_bytes()), ("a/b.png", b"\x89PNG")]))
    with pytest.raises(CommandError, match="1 file"):
        run(tmp_path / "empty.txt", archive)
    assert Report.objects.count() == 1


def test_failures_are_written_to_stderr_naming_the_file(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    shutil.copy(CORPUS_DIR / "hebei-old" / "old-2014-hebei-jyt.txt", tmp_path)
    from io import StringIO

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_reports", str(tmp_path), stdout=out, stderr=err)
    assert "empty.txt" in err.getvalue() and "failed" in err.getvalue()
    assert "created 1, failed 1" in summary(out.getvalue())


def test_dry_run_saves_nothing():
    out, _ = run("--dry-run", CORPUS_DIR / "hebei-old")
    assert summary(out).startswith("dry run: 16 files: created 8")
    assert Report.objects.count() == 0


def test_a_missing_path_is_an_error():
    with pytest.raises(CommandError, match="no such file"):
        run("/nonexistent/folder")


def test_without_a_running_worker_the_command_imports_the_batch_itself(settings, monkeypatch):
    """The database queue, as in production, and no db_worker: the batch is not left waiting."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setattr("reports.management.commands.import_reports.NO_WORKER_AFTER", 0.0)
    out, err = run(CORPUS_DIR / "hebei-old")
    assert summary(out) == "16 files: created 8, skipped 8"
    assert "no worker has taken it up" in err and Report.objects.count() == 8
