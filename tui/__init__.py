"""The Textual terminal UI: trainees play a seat; it reaches the engine only through sim.api."""
