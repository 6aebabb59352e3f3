"""The TUI's screens: picker, briefing, operations, decision, debrief, help."""
