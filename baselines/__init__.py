"""Extractors that predict ConflictNews documents, from rules to trained models."""
