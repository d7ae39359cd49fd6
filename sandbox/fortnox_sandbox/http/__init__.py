"""The HTTP layer: the server, its routes (OAuth, the /3/ API, the /_sandbox/ control surface)
and what it applies on the way (faults, the rate limit, request counters, Fortnox error bodies)."""
