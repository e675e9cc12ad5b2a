"""The catalog: each token's apps and books, and the usage chart's samples."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field

from vpp_tui.store.models.base import TableModel, created
from vpp_tui.store.types import UTCDateTime


class Asset(TableModel, table=True):
    """An app or book owned by one token's location: listed once per token."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("token_id", "adam_id", "pricing_param"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="tokens.id", index=True, ondelete="CASCADE")
    adam_id: str = Field(max_length=32, index=True)
    pricing_param: str = Field(default="STDQ", max_length=8)
    product_type: str = Field(max_length=8, index=True)  # app | book
    name: str = Field(default="", max_length=300, index=True)
    platforms: str = Field(default="", max_length=200)  # space-separated, e.g. "iOS macOS"
    version: str | None = Field(default=None, max_length=64)
    bundle_id: str | None = Field(default=None, max_length=300)
    total: int = 0
    assigned: int = 0
    available: int = 0
    retired: int = 0
    unlimited: bool = False
    device_assignable: bool = False
    revocable: bool = True
    custom: bool = False
    store_url: str | None = Field(default=None, max_length=500)
    artwork_url: str | None = Field(default=None, max_length=500)
    metadata_country: str | None = Field(default=None, max_length=8)
    missing_in_store: bool = False
    metadata_updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = created()
    updated_at: datetime = created()


class UsageSample(TableModel, table=True):
    """One item's license counts as one sync saw them: the usage chart's points. Written
    by each completed sync, thinned by `services.usage` (rule: `domain.usage`)."""

    __tablename__ = "usage_history"
    __table_args__ = (
        Index("ix_usage_history_item", "token_id", "adam_id", "pricing_param", "recorded_at"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="tokens.id", ondelete="CASCADE")
    adam_id: str = Field(max_length=32)
    pricing_param: str = Field(default="STDQ", max_length=8)
    assigned: int = 0
    available: int = 0
    total: int = 0
    recorded_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
