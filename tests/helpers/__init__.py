"""What the tests share: running the tap, reading what it emitted, what the sandbox says."""
