"""The GraphQL layer: schema, per-request context, dataloaders and the aiohttp app."""
