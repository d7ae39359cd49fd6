"""The data model: lazily generated collections, one tenant's books and their ledger and SIE
export, the shared context, clock, caches and the spec's field tables."""
