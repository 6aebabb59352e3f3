"""Research batches: experiments over a scenario, run on any concurrent.futures executor."""
