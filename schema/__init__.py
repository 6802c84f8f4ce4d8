"""The ConflictNews annotation schema: versioned YAML and everything derived from it."""

from .model import (
    EntityType,
    EventType,
    Schema,
    UnknownSchemaVersion,
    available_versions,
    latest_version,
    load_schema,
)

__all__ = [
    "EntityType",
    "EventType",
    "Schema",
    "UnknownSchemaVersion",
    "available_versions",
    "latest_version",
    "load_schema",
]
