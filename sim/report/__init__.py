"""The after-action report: what happened, who knew what when, and what other choices would have led to."""
