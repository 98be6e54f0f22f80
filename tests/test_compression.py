"""HTML responses are compressed with brotli for clients accepting it and with gzip otherwise (issue 11)."""
import gzip

import brotli
import pytest

from config.compression import accepts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("header", "expected"), [
    ("br", True), ("gzip, deflate, br, zstd", True), ("br;q=0.5", True), ("br;q=0", False),
    ("gzip", False), ("", False), ("*", True), ("BR", True), ("br;q=x", False),
])
def test_accepts(header, expected):
    assert accepts(header, "br") is expected


def test_brotli_when_accepted(client):
    response = client.get("/methodology/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "br" and "Accept-Encoding" in response["Vary"]
    html = brotli.decompress(response.content).decode()
    assert "<html" in html and int(response["Content-Length"]) == len(response.content)


def test_gzip_for_clients_without_brotli(client):
    response = client.get("/methodology/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "<html" in gzip.decompress(response.content).decode()


def test_uncompressed_without_accept_encoding(client):
    response = client.get("/methodology/")
    assert not response.has_header("Content-Encoding") and b"<html" in response.content
    assert "Accept-Encoding" in response["Vary"]
