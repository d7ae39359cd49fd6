"""tap-fortnox: a Singer tap for the Fortnox API v3."""
