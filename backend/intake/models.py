"""What intake stores: one text vector per report, and the trained category models."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.extensions import db


class ReportVector(db.Model):
    """A report's description as a vector, beside the report (a side table keeps `reports` rows
    narrow for the map and the statistics, which never read it). Half-precision bytes: this Debian
    has no pgvector, and the duplicates ranking only compares the few candidates PostGIS finds."""

    __tablename__ = "report_vectors"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    # sha256 of the embedder and the text: a redacted description is embedded again, the same one never.
    digest: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CategoryModel(db.Model):
    """One trained category classifier. The newest version is the one every process uses."""

    __tablename__ = "category_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    embedder: Mapped[str] = mapped_column(String(80))
    # What it learnt from: seed texts and reports, and a fingerprint of those reports so that a
    # scheduled retraining with nothing new is skipped.
    examples: Mapped[int] = mapped_column(Integer)
    report_examples: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    # Held-out top-1 / top-3 accuracy and their sample size (see classifier.evaluate).
    evaluation: Mapped[dict] = mapped_column(JSONB, default=dict)
    # numpy .npz (no pickle: loading never runs code from the database).
    parameters: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
