"""Photo lists: the Supergood family's display order (the first one primary), and ``Photos``,
which makes its models only when an item is read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import pytest
from pydantic import ValidationError

from adapters.models import InventoryVehicle, Photo, Photos
from adapters.supergood.mapping import photos


def test_photos_in_display_order_the_first_primary() -> None:
    assert photos([{"url": "a.jpg"}, {"url": 7, "caption": "side"}]) == (
        Photo(url="a.jpg", primary=True, position=1),
        Photo(url="7", primary=False, position=2),
    )


@pytest.mark.parametrize("raw", [None, [], ()])
def test_no_photos(raw: Any) -> None:
    assert photos(raw) == ()


def test_models_are_made_on_the_first_read_of_an_item_and_kept() -> None:
    listed = photos([{"url": "x/1.jpg"}, {"url": "x/2.jpg"}])
    again = photos([{"url": "x/1.jpg"}, {"url": "x/2.jpg"}])
    # Counting, comparing and hashing need no models.
    assert len(listed) == 2 and listed == again and hash(listed) == hash(again)
    assert listed._models is None
    assert listed[1] == Photo(url="x/2.jpg", primary=False, position=2)
    assert listed._models is not None and list(listed) == list(listed._models)
    assert listed[0] is next(iter(listed))  # made once
    assert hash(listed) != hash(photos([{"url": "x/2.jpg"}, {"url": "x/1.jpg"}]))


def test_photos_made_elsewhere_are_kept_as_they_are() -> None:
    made = (Photo(url="a.jpg", primary=True, position=1), Photo(url="b.jpg"))
    kept = Photos.of(made)
    assert (
        kept[0] is made[0]
        and kept == made
        and kept == Photos([("a.jpg", True, 1), ("b.jpg", False, None)])
    )


def test_a_vehicle_takes_photos_as_they_are_or_as_photo_models() -> None:
    listed = photos([{"url": "a.jpg"}])
    made = (Photo(url="a.jpg", primary=True, position=1),)
    given = InventoryVehicle(id="v1", photos=listed)
    assert given.photos is listed
    from_models = InventoryVehicle(id="v1", photos=made)
    assert type(from_models.photos) is Photos and from_models == given
    from_dicts = InventoryVehicle.model_validate({"id": "v1", "photos": [made[0].model_dump()]})
    assert from_dicts == given and hash(from_dicts) == hash(given)
    assert given.model_dump()["photos"] == (made[0].model_dump(),)
    assert given.model_dump(mode="json")["photos"] == [made[0].model_dump(mode="json")]
    assert InventoryVehicle(id="v2").photos == () and not InventoryVehicle(id="v2").photos


def test_photos_that_are_not_photos_are_refused() -> None:
    with pytest.raises(ValidationError):
        InventoryVehicle(id="v1", photos=("a.jpg",))  # type: ignore[arg-type]


@pytest.mark.parametrize(("raw", "error"), [(["a.jpg"], TypeError), ([{}], KeyError)])
def test_a_photo_that_is_not_an_object_with_a_url_is_refused(raw: Any, error: type) -> None:
    with pytest.raises(error):
        photos(raw)


class Urls(Sequence[str]):
    """Listed urls that count how often something walks them."""

    def __init__(self, *urls: str) -> None:
        self.urls = urls
        self.walks = 0

    def __len__(self) -> int:
        return len(self.urls)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self.urls[index]

    def __iter__(self) -> Iterator[str]:
        self.walks += 1
        return iter(self.urls)


def test_photos_in_display_order_are_the_first_primary_and_numbered_from_one() -> None:
    urls = Urls("a.jpg", "b.jpg", "c.jpg")
    listed = Photos.in_order(urls)
    assert len(listed) == 3 and urls.walks == 0  # counted without making their values
    same = Photos([("a.jpg", True, 1), ("b.jpg", False, 2), ("c.jpg", False, 3)])
    assert listed == same and hash(listed) == hash(same) and repr(listed) == repr(same)
    assert urls.walks == 1  # made once, then kept
    assert listed[0] == Photo(url="a.jpg", primary=True, position=1)
    assert listed == tuple(same) and [p.position for p in listed] == [1, 2, 3]
    assert urls.walks == 1
    assert len(Photos.in_order([])) == 0 and Photos.in_order([]) == Photos()
