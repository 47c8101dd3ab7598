"""Which idempotency store a server uses: PostgreSQL when ``[server] idempotency_dsn`` is set
(records shared by every replica, on any machine), else the SQLite file in ``data_dir``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from graph.config import ConfigError, ServerConfig
from graph.idempotency import IdempotencyStore, SqliteIdempotencyStore


async def open_idempotency_store(
    server: ServerConfig, environ: Mapping[str, str]
) -> IdempotencyStore:
    """The configured store, its expired finished records purged."""
    dsn = server.resolve_idempotency_dsn(environ)
    store: IdempotencyStore
    if dsn is None:
        store = SqliteIdempotencyStore(Path(server.data_dir) / "idempotency.sqlite3")
    else:
        # Imported here: a server on SQLite never loads the PostgreSQL driver.
        from graph.idempotency_postgres import (
            IdempotencyStoreUnavailable,
            PostgresIdempotencyStore,
        )

        try:
            store = await PostgresIdempotencyStore.open(dsn)
        except IdempotencyStoreUnavailable as exc:
            raise ConfigError(f"server.idempotency_dsn: {exc}") from None
    await store.purge(older_than_seconds=server.idempotency_retention_hours * 3600)
    return store
