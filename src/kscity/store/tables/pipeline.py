"""Pipeline tables: import runs and files, stored releases/notices, quarantine, opportunities and their sources."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kscity.store.packed import PackedJSON
from kscity.store.tables.base import Base


class ImportFileRow(Base):
    """One file of one import: its format, counts, errors and how far it got (for resuming)."""

    __tablename__ = "import_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    path: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(120))
    format: Mapped[str] = mapped_column(String(60), default="unknown")
    # running (or interrupted: see services.import_runner), done, or resumed: a later import of the same file
    # (resumed_by) completed it after this one's process died
    status: Mapped[str] = mapped_column(String(20), default="running")
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    ingested: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    size: Mapped[int | None] = mapped_column(BigInteger)  # the file's bytes as given (before any decompression)
    runner: Mapped[str | None] = mapped_column(String(300))  # the process running it (services.import_runner)
    progress_at: Mapped[datetime | None] = mapped_column()  # when it last committed a batch
    resumed_by: Mapped[int | None] = mapped_column(Integer)


class ReleaseRow(Base):
    """One stored release (OCDS) or notice (TED, table row), exactly once per (ocid, release id, content)."""

    __tablename__ = "release"
    # the unique index (ocid, release_id) also answers lookups by ocid: a second index on ocid alone was one more
    # B-tree written per release
    __table_args__ = (UniqueConstraint("ocid", "release_id", name="uq_release_ocid_release_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ocid: Mapped[str] = mapped_column(String(300))
    release_id: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # ocds, compiled, ted, tabular
    payload: Mapped[dict[str, Any]] = mapped_column(PackedJSON)  # compressed (store.packed)
    notice: Mapped[dict[str, Any]] = mapped_column(PackedJSON)  # the normalised Notice of this item, compressed
    file_id: Mapped[int | None] = mapped_column(ForeignKey("import_file.id", ondelete="SET NULL"))
    position: Mapped[str] = mapped_column(String(200), default="")


class PackDictionaryRow(Base):
    """A zstd dictionary that packed values name by its id (store.packing): an ingest trains one per kind (releases,
    notices) on its file's first items, and stores it with the first rows packed with it."""

    __tablename__ = "pack_dictionary"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # the id in its frames
    content: Mapped[bytes] = mapped_column(LargeBinary)


class QuarantineRow(Base):
    """An item that could not be used, kept with its raw payload and the reasons."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("import_file.id", ondelete="CASCADE"), index=True)
    position: Mapped[str] = mapped_column(String(200))
    ocid: Mapped[str | None] = mapped_column(String(300))
    release_id: Mapped[str | None] = mapped_column(String(300))
    payload: Mapped[dict[str, Any] | None] = mapped_column()
    snippet: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # a re-run adds no second copy


class QuarantineSeenRow(Base):
    """Which imports met a quarantined item. The item is kept once (its fingerprint), under the import that met it
    first; a re-run of the same file meets it again, and its report must list it too."""

    __tablename__ = "quarantine_seen"
    file_id: Mapped[int] = mapped_column(ForeignKey("import_file.id", ondelete="CASCADE"), primary_key=True)
    quarantine_id: Mapped[int] = mapped_column(ForeignKey("quarantine.id", ondelete="CASCADE"), primary_key=True,
                                               index=True)


class OpportunityRow(Base):
    """One project, compiled from one or more notices across sources, classified into a service."""

    __tablename__ = "opportunity"
    __table_args__ = (Index("ix_opportunity_country_service", "country", "service"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ocid: Mapped[str] = mapped_column(String(300), unique=True)  # the first notice's id; stable
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str | None] = mapped_column(String(3))  # searched by ix_opportunity_country_service
    buyer: Mapped[str] = mapped_column(Text, default="")
    procurement_method: Mapped[str] = mapped_column(String(60), default="")
    stage: Mapped[str] = mapped_column(String(20), default="tender", index=True)
    value: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    value_usd: Mapped[float | None] = mapped_column(Float)
    published: Mapped[datetime | None] = mapped_column()
    tender_deadline: Mapped[datetime | None] = mapped_column(index=True)
    items: Mapped[list[Any]] = mapped_column(default=list)
    documents: Mapped[list[Any]] = mapped_column(PackedJSON, default=list)  # compressed (store.packed)
    service: Mapped[str] = mapped_column(String(40), default="not_smart_city", index=True)
    sub_solution: Mapped[str | None] = mapped_column(String(60))
    class_score: Mapped[float] = mapped_column(Float, default=0.0)
    class_method: Mapped[str] = mapped_column(String(10), default="none")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    search_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column()


class NoticeLinkRow(Base):
    """Which notice (an ocid of a source) belongs to which opportunity, and how sure the link is."""

    __tablename__ = "notice_link"
    ocid: Mapped[str] = mapped_column(String(300), primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(Text, default="")
    link_score: Mapped[float] = mapped_column(Float, default=1.0)
    link_reasons: Mapped[list[Any]] = mapped_column(default=list)
    notice: Mapped[dict[str, Any]] = mapped_column(PackedJSON)  # the compiled notice of this ocid, compressed
    # the ocid's compiled release, when it was merged from several releases, with the order key of the last one:
    # {"through": [date, id], "release": {...}}, packed (services.opportunity_build extends it on an update)
    compiled: Mapped[dict[str, Any] | None] = mapped_column(PackedJSON, nullable=True)


class LinkKeyRow(Base):
    """Blocking keys of each linked notice, so a new notice is compared with a few candidates, not all."""

    __tablename__ = "link_key"
    # the key (key, publisher, ocid) is the one index: "notices of other publishers under these keys" is two of
    # its ranges. On SQLite the table is that index (WITHOUT ROWID): a key row was written to three B-trees
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy reads it from the class)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # whose ids these are (services.opportunity_build.publisher_of): a publisher's own notices never link
    publisher: Mapped[str] = mapped_column(String(120), primary_key=True)
    ocid: Mapped[str] = mapped_column(ForeignKey("notice_link.ocid", ondelete="CASCADE"), primary_key=True)
