"""Scoring predictions against gold: entities, triggers, arguments, coreference, event records."""
