from __future__ import annotations

import pytest

from tracker.importers.urls import (
    handle_from_url,
    normalise_handle,
    normalise_post_url,
    platform_of,
)

TIKTOK = "https://tiktok.com/@lea.glow/video/7616431466279434653"
REEL = "https://instagram.com/p/C4xYz_12-Ab"
SHORT = "https://youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.tiktok.com/@lea.glow/video/7616431466279434653", TIKTOK),
        (
            "https://www.tiktok.com/@Lea.Glow/video/7616431466279434653?is_from_webapp=1"
            "&sender_device=pc&_r=1",
            TIKTOK,
        ),
        ("http://m.tiktok.com/@lea.glow/video/7616431466279434653/", TIKTOK),
        ("HTTPS://WWW.TIKTOK.COM/@LEA.GLOW/video/7616431466279434653#comments", TIKTOK),
        ("www.tiktok.com/@lea.glow/video/7616431466279434653", TIKTOK),
        ("https://www.instagram.com/reel/C4xYz_12-Ab/?igsh=MWQ1ZGUxMzBkMA==", REEL),
        ("https://instagram.com/p/C4xYz_12-Ab/", REEL),
        ("https://www.instagram.com/reels/C4xYz_12-Ab/", REEL),
        ("https://www.instagram.com/noah/p/C4xYz_12-Ab/?utm_source=ig_web_copy_link", REEL),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc123", SHORT),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", SHORT),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", SHORT),
        ("https://www.youtube.com/watch?feature=youtu.be&v=dQw4w9WgXcQ", SHORT),
    ],
)
def test_every_form_of_a_post_link_gets_one_key(url: str, key: str) -> None:
    assert normalise_post_url(url) == key


def test_post_ids_keep_their_case() -> None:
    assert normalise_post_url("https://instagram.com/p/AbC/") != normalise_post_url(
        "https://instagram.com/p/abc/"
    )


def test_other_links_lose_host_variants_tracking_fragments_and_trailing_slash() -> None:
    url = "HTTPS://WWW.Example.COM/Blog/Post/?utm_source=tiktok&b=2&fbclid=x&a=1#top"
    assert normalise_post_url(url) == "https://example.com/Blog/Post?a=1&b=2"


def test_tiktok_short_links_are_not_a_host_variant() -> None:
    assert normalise_post_url("https://vm.tiktok.com/ZMabc123/") == "https://vm.tiktok.com/ZMabc123"


@pytest.mark.parametrize("url", ["", "not a link", "ftp://example.com/x", "https://"])
def test_non_links_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="not a web link"):
        normalise_post_url(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.tiktok.com/@Lea.Glow/video/1", ("tiktok", "lea.glow")),
        ("https://www.tiktok.com/@lea.glow", ("tiktok", "lea.glow")),
        ("https://www.instagram.com/noah/", ("instagram", "noah")),
        ("https://www.instagram.com/noah/p/C4xYz/", ("instagram", "noah")),
        ("https://www.instagram.com/stories/noah/123/", ("instagram", "noah")),
        ("https://www.youtube.com/@Chang", ("youtube", "chang")),
        ("https://www.youtube.com/c/Chang", ("youtube", "chang")),
        ("https://www.instagram.com/reel/C4xYz/", None),  # a reel link does not name its author
        ("https://youtu.be/dQw4w9WgXcQ", None),
        ("https://example.com/@someone", None),
        ("nonsense", None),
    ],
)
def test_handle_from_url(url: str, expected: tuple[str, str] | None) -> None:
    assert handle_from_url(url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@Lea.Glow", "lea.glow"),
        (" noah ", "noah"),
        ("https://www.tiktok.com/@lea.glow", "lea.glow"),
    ],
)
def test_normalise_handle(text: str, expected: str) -> None:
    assert normalise_handle(text) == expected


@pytest.mark.parametrize("text", ["", "@", "two words", "https://www.instagram.com/p/C4xYz/"])
def test_normalise_handle_refuses_what_is_not_a_handle(text: str) -> None:
    with pytest.raises(ValueError):
        normalise_handle(text)


def test_platform_of_links_and_hosts() -> None:
    assert platform_of("https://vm.tiktok.com/ZMabc/") == "tiktok"
    assert platform_of("youtu.be") == "youtube"
    assert platform_of("https://www.facebook.com/reel/1") == "facebook"
    assert platform_of("https://example.com/") is None
