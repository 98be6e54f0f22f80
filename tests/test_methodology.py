"""/methodology/ renders its URL examples literally (issue 10, item 5: "&reg" became "®")."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/methodology/", "/en/methodology/"])
def test_repeated_region_example_is_escaped(client, url):
    html = client.get(url).content.decode()
    assert "<code>region=330000&amp;region=320000</code>" in html
    assert "&reg" not in html.replace("&amp;reg", "")
