"""What the end-to-end tests (and the demo) run beside the tap: the real Meltano CLI on this
repository's meltano.yml, the sandbox in a process of its own, a throwaway PostgreSQL server."""
