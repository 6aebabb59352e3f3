"""Crash-safe exercise sessions in SQLite: record, resume, replay, branch."""
