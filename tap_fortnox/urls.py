"""Where Fortnox's API families live, derived from the one `api_url` setting.

`api_url` is the `/3/` family's root (`https://api.fortnox.se/3`); the other families
(`/api/fileattachments/...`, `/api/warehouse/...`, `/api/time/...`) hang off the same host.
"""

from __future__ import annotations


def api_root(api_url: str) -> str:
    """The host root of every API family: `api_url` without its trailing `/3` (a proxy or the
    sandbox may put the API under a longer path; only the last `/3` goes)."""
    url = str(api_url).rstrip("/")
    return url[: -len("/3")] if url.endswith("/3") else url
