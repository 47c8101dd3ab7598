"""Adapters: one async client per DMS, mapping vendor JSON into ``adapters.models``."""
