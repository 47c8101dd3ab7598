"""Which event log a server uses: PostgreSQL when the deployment has a database
(``[server] idempotency_dsn``: the records every replica shares), else the SQLite file in
``data_dir``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from graph.config import ConfigError, ServerConfig
from graph.events.log import EventLog, SqliteEventLog


async def open_event_log(
    server: ServerConfig, environ: Mapping[str, str], *, clock: Callable[[], float]
) -> EventLog:
    dsn = server.resolve_idempotency_dsn(environ)
    if dsn is None:
        return SqliteEventLog(Path(server.data_dir) / "events.sqlite3", clock=clock)
    # Imported here: a server on SQLite never loads the PostgreSQL driver.
    from graph.events.log_postgres import EventLogUnavailable, PostgresEventLog

    try:
        return await PostgresEventLog.open(dsn, clock=clock)
    except EventLogUnavailable as exc:
        raise ConfigError(f"server.idempotency_dsn (event log): {exc}") from None
