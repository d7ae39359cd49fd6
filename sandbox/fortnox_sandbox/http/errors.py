"""Fortnox error codes and bodies.

Codes marked [U] are plausible choices where the real code for that situation is undocumented.
"""

from __future__ import annotations

import json

INVALID_PARAMETER = 2000588  # "Ogiltig parameter i anropet." (documented)
NO_LICENCE = 2001101  # "Det finns ingen aktiv licens för önskat scope" (documented)
NO_SCOPE = 2000663  # missing scope in the token [U]
INVALID_LOGIN = 2000310  # invalid login / token [documented for legacy auth, used for JWTs: U]
NOT_FOUND = 2000433  # record or path not found [U]
NO_FINANCIAL_YEAR = 2000508  # no financial year for the date or id [U]
SYSTEM_ERROR = 1000003  # "Systemfel" (documented)
METHOD_NOT_ALLOWED = 2000729  # "No valid identifier" [U for this use]

MESSAGES = {
    INVALID_PARAMETER: "Ogiltig parameter i anropet.",
    NO_LICENCE: "Det finns ingen aktiv licens för önskat scope",
    NO_SCOPE: "Saknar behörighet för scope",
    INVALID_LOGIN: "Ogiltig inloggning: access token saknas, är ogiltig eller har gått ut",
    NOT_FOUND: "Kunde inte hitta efterfrågad resurs",
    NO_FINANCIAL_YEAR: "Kan inte hitta räkenskapsår",
    SYSTEM_ERROR: "Systemfel. Försök igen senare.",
    METHOD_NOT_ALLOWED: "Metoden stöds inte av sandlådan",
}


def error_body(code: int, detail: str = "", pascal: bool = False) -> bytes:
    """`{"ErrorInformation": {"error": 1, "message": ..., "code": ...}}` (lower-case keys, as the
    API sends them in practice; `pascal=True` gives the spec's Error/Message/Code)."""
    message = MESSAGES.get(code, "Fel")
    if detail:
        message = f"{message} ({detail})"
    keys = ("Error", "Message", "Code") if pascal else ("error", "message", "code")
    body = {"ErrorInformation": dict(zip(keys, (1, message, code), strict=True))}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def oauth_error(error: str, description: str) -> bytes:
    return json.dumps({"error": error, "error_description": description}).encode("utf-8")
