"""WebSocket messages as text frames, whatever the view's JSON encoder returns.

graphql-transport-ws is a text protocol (browser clients drop binary frames), while the
view encodes HTTP answers to bytes for speed; Strawberry's adapter would send bytes as
binary frames.
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import ClientConnectionResetError
from strawberry.aiohttp.views import AiohttpWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected


class TextFrameWebSocketAdapter(AiohttpWebSocketAdapter):
    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        text = encoded.decode() if isinstance(encoded, bytes) else encoded
        try:
            await self.ws.send_str(text)
        except (RuntimeError, ClientConnectionResetError) as exc:
            raise WebSocketDisconnected from exc
