"""Notices and diffusions: kinds and forms, rules, state tables, the NDTF review, arrests."""
