"""The schema is a Federation 2 subgraph: entities resolve by their key."""

from __future__ import annotations

from tests.graph.conftest import AUTOSYNC_ONLY_KEY, Api

ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  __typename ... on Customer { id displayName } ... on Dealership { id name } } }"""


async def test_service_sdl_declares_keys(api: Api) -> None:
    data = await api.data("{ _service { sdl } }")
    sdl = data["_service"]["sdl"]
    assert 'type Customer implements DealershipObject & Node @key(fields: "id")' in sdl
    assert '@link(url: "https://specs.apollo.dev/federation/v2' in sdl


async def test_entities_resolve_like_node(api: Api) -> None:
    listed = await api.data(
        "query($d: ID!) { dealership(id: $d) { name customers(first: 2) { nodes { id } } } }",
        {"d": api.dealership_id("autosoft")},
    )
    ids = [n["id"] for n in listed["dealership"]["customers"]["nodes"]]
    reps = [{"__typename": "Customer", "id": i} for i in ids]
    reps.append({"__typename": "Dealership", "id": api.dealership_id("autosoft")})
    data = await api.data(ENTITIES, {"reps": reps})
    entities = data["_entities"]
    assert [e["id"] for e in entities] == [*ids, api.dealership_id("autosoft")]
    assert all(e["displayName"] for e in entities[:2])
    assert entities[2]["name"] == listed["dealership"]["name"]

    # The same representations through a key that may not see that dealership: nothing.
    hidden = await api.data(ENTITIES, {"reps": reps}, key=AUTOSYNC_ONLY_KEY)
    assert hidden["_entities"] == [None, None, None]
