"""The Supergood family's photo lists: display order, the first one primary, shared models."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.models import Photo
from adapters.supergood.mapping import photos


def test_photos_in_display_order_the_first_primary() -> None:
    assert photos([{"url": "a.jpg"}, {"url": 7, "caption": "side"}]) == (
        Photo(url="a.jpg", primary=True, position=1),
        Photo(url="7", primary=False, position=2),
    )


@pytest.mark.parametrize("raw", [None, [], ()])
def test_no_photos(raw: Any) -> None:
    assert photos(raw) == ()


def test_a_list_read_again_is_the_same_objects() -> None:
    raw = [{"url": "x/1.jpg"}, {"url": "x/2.jpg"}]
    assert photos(raw) is photos([dict(p) for p in raw])


@pytest.mark.parametrize(("raw", "error"), [(["a.jpg"], TypeError), ([{}], KeyError)])
def test_a_photo_that_is_not_an_object_with_a_url_is_refused(raw: Any, error: type) -> None:
    with pytest.raises(error):
        photos(raw)
