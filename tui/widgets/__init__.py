"""Widgets of the operations screen."""
