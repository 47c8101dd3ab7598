"""Replay servers: each vendor's page examples served verbatim over real HTTP.

A replay server answers exactly what the vendor page documents, with the page's own
example bodies (the fixtures under ``tests/adapters/fixtures``, copied byte for byte from
the pages): the Supergood family's ``POST /sessions`` answers the session example (any
client, credentials and TOTP code are accepted), each documented list answers its example
body whatever paging parameters are sent, each documented write answers its example
whatever body is sent (201, or 200 for a PATCH), and every other request answers 404 in
the vendor's error shape (docs/contracts/*.md, sandbox/common/errors.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.http import loads

FIXTURES = Path(__file__).parents[1] / "adapters" / "fixtures"

SUPERGOOD_BASE = "/integrations/intg_replay01"
AUTOSYNC_BASE = "/v1"
UNKNOWN_PATH = "No such resource"

# The records the pages' write examples name in their paths.
DEALERTRACK_DEAL = "deal_51af80"
DEALERCENTER_ACCOUNT = "acc_2d91e0"

# A well-formed TOTP secret; the replay accepts any code, so its value does not matter.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture(name: str) -> Any:
    return loads(fixture_bytes(name))


def autosync_shop_id() -> str:
    """The shop of AutoSync's shops example: the one shop its work orders are under."""
    (shop,) = fixture("autosync_shops_list.json")["data"]
    return str(shop["id"])


@dataclass(frozen=True)
class VendorPage:
    """What one vendor page documents with an example answer."""

    name: str
    base_path: str
    routes: Mapping[tuple[str, str], str]
    """(method, path below the base) -> the fixture its page example answer is."""
    secrets: Mapping[str, str]
    writes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """The documented writes' example answers, the same way (served with 201, or 200 for
    a PATCH, whatever the body sent)."""

    def not_found(self) -> dict[str, Any]:
        error = {"code": "not_found", "message": UNKNOWN_PATH}
        if self.name == "autosync":
            return {"success": False, "error": {**error, "status": 404}}
        return {"error": error}


def _supergood(
    name: str,
    session: str,
    lists: Mapping[str, str],
    writes: Mapping[tuple[str, str], str],
) -> VendorPage:
    routes = {("POST", "/sessions"): session}
    routes |= {("GET", path): body for path, body in lists.items()}
    return VendorPage(
        name=name,
        base_path=SUPERGOOD_BASE,
        routes=routes,
        writes=writes,
        secrets={
            "client_id": "replay-client",
            "client_secret": "replay-client-secret",
            "username": "replay-user",
            "password": "replay-password",
            "totp_secret": TOTP_SECRET,
        },
    )


PAGES: dict[str, VendorPage] = {
    "autosoft": _supergood(
        "autosoft",
        "autosoft_session.json",
        {
            "/vehicles": "autosoft_vehicles_list.json",
            "/service/repair-orders": "autosoft_repair_orders_list.json",
        },
        {
            ("POST", "/leads"): "autosoft_lead_created.json",
            ("POST", "/deals"): "autosoft_deal_created.json",
        },
    ),
    "automate": _supergood(
        "automate",
        "automate_session.json",
        {"/vehicles": "automate_vehicles_list.json"},
        {
            ("POST", "/customers"): "automate_customer_upserted.json",
            ("POST", "/deals"): "automate_deal_created.json",
            ("POST", "/service/appointments"): "automate_appointment_created.json",
        },
    ),
    "dealertrack": _supergood(
        "dealertrack",
        "dealertrack_session.json",
        {
            "/inventory/vehicles": "dealertrack_vehicles_list.json",
            "/service/repair-orders": "dealertrack_repair_orders_list.json",
        },
        {
            ("POST", "/sales/deals"): "dealertrack_deal_created.json",
            ("PATCH", f"/sales/deals/{DEALERTRACK_DEAL}"): "dealertrack_deal_patched.json",
            ("POST", "/accounting/journal-entries"): "dealertrack_journal_entry_posted.json",
        },
    ),
    "dealercenter": _supergood(
        "dealercenter",
        "dealercenter_session.json",
        {"/inventory/vehicles": "dealercenter_vehicles_list.json"},
        {
            ("POST", "/crm/leads"): "dealercenter_lead_created.json",
            ("POST", "/deals"): "dealercenter_deal_created.json",
            (
                "POST",
                f"/bhph/accounts/{DEALERCENTER_ACCOUNT}/payments",
            ): "dealercenter_payment_posted.json",
        },
    ),
    "autosync": VendorPage(
        name="autosync",
        base_path=AUTOSYNC_BASE,
        routes={
            ("GET", "/shops"): "autosync_shops_list.json",
            ("GET", f"/shops/{autosync_shop_id()}/workorders"): "autosync_workorders_list.json",
        },
        secrets={"api_key": "replay-api-key"},
    ),
}


@dataclass
class Replay:
    """One running replay server."""

    page: VendorPage
    base_url: str
    requests: list[tuple[str, str, int]] = field(default_factory=list)
    """Every request served: (method, path below the base, status)."""
    bodies: list[tuple[str, str, bytes]] = field(default_factory=list)
    """The body of every write answered: (method, path below the base, body)."""

    def served(self, status: int = 200) -> list[tuple[str, str]]:
        return [(m, p) for m, p, s in self.requests if s == status]


def _app(replay: Replay) -> web.Application:
    page = replay.page

    async def handle(request: web.Request) -> web.Response:
        path = request.path.removeprefix(page.base_path)
        key = (request.method, path)
        name = page.routes.get(key) if request.path != path else None
        written = page.writes.get(key) if request.path != path else None
        if written is not None:
            status = 200 if request.method == "PATCH" else 201
            replay.requests.append((request.method, path, status))
            replay.bodies.append((request.method, path, await request.read()))
            return web.Response(
                body=fixture_bytes(written), status=status, content_type="application/json"
            )
        if name is None:
            replay.requests.append((request.method, path, 404))
            return web.json_response(page.not_found(), status=404)
        replay.requests.append((request.method, path, 200))
        return web.Response(body=fixture_bytes(name), content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


@asynccontextmanager
async def serve_page(name: str) -> AsyncIterator[Replay]:
    """Serve ``name``'s page on 127.0.0.1, on a port the system picks."""
    replay = Replay(page=PAGES[name], base_url="")
    runner = web.AppRunner(_app(replay), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        replay.base_url = f"http://{host}:{port}{replay.page.base_path}"
        yield replay
    finally:
        await runner.cleanup()
