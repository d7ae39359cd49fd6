"""Generated Swedish parties: company and person names, addresses, org and personal numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import names

_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "Å": "A", "Ä": "A", "Ö": "O"})


def luhn_digit(digits: str) -> str:
    """The Luhn check digit Swedish org/personal numbers and OCR references end with."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def org_number(rnd: random.Random) -> str:
    """A valid-looking aktiebolag number: 556xxx-xxxC."""
    body = "55" + str(rnd.randint(6, 9)) + f"{rnd.randint(0, 999999):06d}"
    return f"{body[:6]}-{body[6:]}{luhn_digit(body)}"


def personal_number(rnd: random.Random) -> str:
    year = rnd.randint(1958, 2001)
    body = (
        f"{year % 100:02d}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}{rnd.randint(0, 999):03d}"
    )
    return f"{year}{body[2:6]}-{body[6:]}{luhn_digit(body)}"


def ocr(number: int) -> str:
    """A Fortnox-style OCR reference: number, a length digit, a Luhn check digit."""
    digits = f"{number}{(len(str(number)) + 2) % 10}"
    return digits + luhn_digit(digits)


def ascii_slug(text: str) -> str:
    return "".join(ch for ch in text.lower().translate(_ASCII) if ch.isalnum())


@dataclass(frozen=True)
class Address:
    street: str
    zip_code: str
    city: str
    phone: str
    country: str = "Sverige"
    country_code: str = "SE"


def swedish_address(rnd: random.Random) -> Address:
    city, zip_prefix, area = rnd.choice(names.CITIES)
    street = f"{rnd.choice(names.STREETS)} {rnd.randint(1, 120)}"
    zip_code = f"{zip_prefix}{rnd.randint(1, 9)} {rnd.randint(10, 99)}"
    phone = f"{area}-{rnd.randint(100000, 9999999)}"
    return Address(street, zip_code, city, phone)


def person_name(rnd: random.Random) -> tuple[str, str]:
    return rnd.choice(names.FIRST_NAMES), rnd.choice(names.LAST_NAMES)


def company_name(rnd: random.Random) -> str:
    style = rnd.random()
    trade = rnd.choice(names.COMPANY_TRADES)
    suffix = rnd.choice(names.COMPANY_SUFFIXES)
    if style < 0.45:
        return f"{rnd.choice(names.COMPANY_PREFIXES)} {trade} {suffix}"
    if style < 0.8:
        return f"{rnd.choice(names.LAST_NAMES)}s {trade} {suffix}"
    first, last = person_name(rnd)
    return f"{first} {last} {trade}"


def email_for(first: str, last: str, domain: str) -> str:
    return f"{ascii_slug(first)}.{ascii_slug(last)}@{domain}"


def domain_for(company: str) -> str:
    words = [w for w in company.split() if w not in ("AB", "HB", "KB", "&", "i", "Sverige")]
    return ascii_slug("".join(words[:2]))[:24] + ".se"
