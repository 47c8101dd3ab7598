"""Change events: what happened at a dealership, from the vendor's webhooks (AutoSync) or
from polling the lists' ``updatedFrom`` filters (the Supergood family), in one durable log
that subscriptions, the ``events`` query and outbound webhooks read."""
