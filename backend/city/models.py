"""Departments, their areas (jurisdictions), districts and categories (Open311 services)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.extensions import db

category_departments = Table(
    "category_departments",
    db.metadata,
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class Department(db.Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    areas: Mapped[list[Area]] = relationship(back_populates="department")
    categories: Mapped[list[Category]] = relationship(secondary=category_departments, back_populates="departments")

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class Area(db.Model):
    """A department's jurisdiction. Where several areas cover a point, the smallest wins."""

    __tablename__ = "areas"
    __table_args__ = (CheckConstraint("ST_IsValid(geom)", name="geom_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    department: Mapped[Department] = relationship(back_populates="areas")


class District(db.Model):
    """An administrative district: the unit of per-district boards and statistics."""

    __tablename__ = "districts"
    __table_args__ = (CheckConstraint("ST_IsValid(geom)", name="geom_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True))

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en


class Category(db.Model):
    """An Open311 service. `attributes` holds its attribute definitions (see city.service)."""

    __tablename__ = "categories"
    __table_args__ = (CheckConstraint("default_sla_hours > 0", name="sla_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(100), default="")
    keywords: Mapped[str] = mapped_column(String(300), default="")
    default_sla_hours: Mapped[float] = mapped_column(Float, default=72)
    attributes: Mapped[list[dict]] = mapped_column(JSONB, default=list)
    verify_redundancy: Mapped[int] = mapped_column(Integer, default=3)
    # Locations of sensitive categories are shown coarsened in public.
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    departments: Mapped[list[Department]] = relationship(secondary=category_departments, back_populates="categories")

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def description(self, language: str) -> str:
        return self.description_zh if language.startswith("zh") else self.description_en
