"""The play host: one object owns a running exercise and its session; front ends send it typed
commands and read per-seat views as immutable data (design principle 8)."""
