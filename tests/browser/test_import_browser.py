"""The import batch page in Chromium: an upload lands on its batch page, which follows the
workers by itself (batch_progress.js polling the batch's JSON), failed files first, under the
Content-Security-Policy."""
import pytest
from playwright.sync_api import expect

from reports import imports
from reports.models import ImportBatch
from tests.browser.conftest import save_screenshot
from tests.browser.test_csp_browser import WATCH
from tests.browser.test_review_browser import login
from tests.conftest import CORPUS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD_2016 = CORPUS_DIR / "hebei-old" / "old-2016-hebei-kjt.txt"
STD_2022 = CORPUS_DIR / "standard-and-old" / "std-2022-hebei-jyt.txt"


def test_the_batch_page_fills_in_as_a_worker_finishes_files(page, live_server, settings, tmp_path):
    # Tasks wait in the queue, as when the workers are busy; the test then plays the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    (tmp_path / "empty.txt").write_bytes(b"")
    page.context.add_init_script(WATCH)  # records Content-Security-Policy violations
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/reports/report/upload/")
    page.set_input_files("#id_files", [str(OLD_2016), str(STD_2022), str(tmp_path / "empty.txt")])
    page.click("input[type=submit][value]")
    page.wait_for_url("**/admin/reports/importbatch/*/change/")
    batch = ImportBatch.objects.get()
    assert page.text_content("#batch-state").strip() == "排队中"
    assert page.text_content("#batch-done").strip() == "1"  # the empty file failed on sight
    assert page.locator("#batch-rows tr.failed").count() == 1

    imports.run_slice(batch.pk, token="test-worker")
    # Polled, not reloaded: the page's own script brings the state in (within 1.5 s).
    expect(page.locator("#batch-state")).to_have_text("已完成", timeout=15_000)
    assert page.text_content("#batch-done").strip() == "3"
    assert page.eval_on_selector("#batch-bar", "bar => [bar.value, bar.max]") == [3, 3]
    classes = page.eval_on_selector_all("#batch-rows tr", "rows => rows.map(r => r.className)")
    assert classes == ["failed", "created", "created"]
    assert "已创建：2" in page.text_content("#batch-counts")
    assert page.locator("#batch-cancel").count() == 0
    save_screenshot(page, tmp_path / "batch.png", full_page=False)
    assert page.evaluate("window.__violations") == [] and page.requests.foreign() == []
