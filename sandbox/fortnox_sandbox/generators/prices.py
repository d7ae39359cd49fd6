"""Prices: every article has a price in each price list (A standard, B reseller, C key account,
C from 10 units). Position = article x 4 + tier, so modification order follows the articles."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from fortnox_sandbox.model.clock import local
from fortnox_sandbox.model.context import Context
from fortnox_sandbox.model.detrand import money
from fortnox_sandbox.model.shape import shape
from fortnox_sandbox.model.store import Record, Source

from .sales import ArticleSource

TIERS = (
    ("A", 0, Decimal("1.00")),
    ("B", 0, Decimal("0.85")),
    ("C", 0, Decimal("0.80")),
    ("C", 10, Decimal("0.75")),
)


class PriceSource(Source):
    touch_field = None

    def __init__(self, ctx: Context, articles: ArticleSource) -> None:
        self.ctx = ctx
        self.articles = articles
        self.size = articles.size * len(TIERS)

    def key(self, pos: int) -> str:
        article, tier = divmod(pos, len(TIERS))
        price_list, from_qty, _ = TIERS[tier]
        return f"{price_list}/{self.articles.key(article)}/{from_qty}"

    def position(self, key: str) -> int | None:
        parts = key.split("/")
        if len(parts) != 3:
            return None
        article = self.articles.position(parts[1])
        for tier, (price_list, from_qty, _) in enumerate(TIERS):
            if article is not None and parts[0].upper() == price_list and parts[2] == str(from_qty):
                return article * len(TIERS) + tier
        return None

    def mtime(self, pos: int) -> float:
        return self.articles.mtime(pos // len(TIERS))

    def build(self, pos: int) -> Record:
        article, tier = divmod(pos, len(TIERS))
        product = self.articles.profile(article)
        price_list, from_qty, factor = TIERS[tier]
        changed: datetime = local(self.mtime(pos)).replace(second=0, microsecond=0, tzinfo=None)
        values = {
            "@url": self.ctx.url(f"/prices/{price_list}/{product.number}/{from_qty}"),
            "ArticleNumber": product.number,
            "Date": changed,
            "FromQuantity": from_qty,
            "Percent": money((Decimal(1) - factor) * 100),
            "Price": money(product.sales_price * factor),
            "PriceList": price_list,
        }
        return shape(values, "Price")
