"""``Dealership.dmsStore``: the store as the DMS describes it, read from the vendor's store
list once per login and kept as reference data."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=1, rate_limit_per_minute=100_000)
    async for value in start_api(options, vendors=("autosoft", "autosync", "dealertrack")):
        yield value


STORES = """{ dealerships { dms storeId
  dmsStore { storeId name slug status locationCount createdAt } } }"""


async def test_shops_and_rooftops_describe_their_dealerships(api: Api) -> None:
    dealerships = (await api.data(STORES))["dealerships"]
    (shop,) = [d for d in dealerships if d["dms"] == "AUTOSYNC"]
    store = shop["dmsStore"]
    assert store["storeId"] == shop["storeId"] == "1"
    assert store["name"] and store["slug"] and store["createdAt"]
    assert (store["status"], store["locationCount"]) == ("active", 2)
    rooftops = [d for d in dealerships if d["dms"] == "DEALERTRACK"]
    assert len(rooftops) >= 2
    for rooftop in rooftops:
        assert rooftop["dmsStore"]["storeId"] == rooftop["storeId"]
        assert rooftop["dmsStore"]["name"]
    # AutoSoft has one store per login and no store list: nothing beyond configuration.
    others = [d for d in dealerships if d["dms"] == "AUTOSOFT"]
    assert others and all(d["dmsStore"] is None for d in others)


async def test_the_store_list_is_read_once_and_priced(api: Api) -> None:
    await api.data(STORES)  # warm: the list is reference data, kept between requests
    api.reset_upstream_counts()
    result = await api.query(STORES)
    assert "errors" not in result
    assert api.upstream_requests("autosync") == api.upstream_requests("dealertrack") == 0
    # Planned as one read per dealership (the plan cannot know the list is kept).
    assert result["extensions"]["cost"]["requestedQueryCost"] == len(result["data"]["dealerships"])
