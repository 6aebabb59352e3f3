"""Research batches: experiments over a scenario, run on any concurrent.futures executor."""

# Here, not in executors: ``ncbsim batch --help`` quotes it without importing concurrent.futures.
CONNECT_TIMEOUT_S = 3  # seconds a Dask scheduler has to answer before the sweep gives up on it
