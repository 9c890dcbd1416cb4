"""Routing rules (styrningsregler)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.routing import RuleSpec, parse_keywords
from ..extensions import db
from ..org.models import Category, Group


class RoutingRule(db.Model):
    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    channel: Mapped[str | None] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    keywords: Mapped[str | None] = mapped_column(Text)
    email_domain: Mapped[str | None] = mapped_column(String(253))
    language: Mapped[str | None] = mapped_column(String(12))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    priority: Mapped[str | None] = mapped_column(String(20))

    category: Mapped[Category | None] = relationship()
    group: Mapped[Group] = relationship()

    def spec(self) -> RuleSpec:
        return RuleSpec(
            id=self.id,
            group_id=self.group_id,
            channel=self.channel or None,
            category_id=self.category_id,
            keywords=parse_keywords(self.keywords),
            email_domain=self.email_domain or None,
            language=self.language or None,
            priority=self.priority or None,
        )
