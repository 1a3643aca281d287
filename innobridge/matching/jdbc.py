"""Published offers and needs read for ``innobridge match-batch`` with Spark's JDBC source.

On PostgreSQL the batch reads its records on the executors, in parallel ranges of primary keys,
instead of through Django on the driver: at national scale (millions of offers) the read is a
Spark job like the scoring. Each row carries what the pages' index takes from a record (title,
text fields, sector slugs, place ids, maturity, language), and ``documents`` turns rows into the
index's documents with the same functions as the online index, so both paths give the same
documents in the same order (a test compares them).

The PostgreSQL JDBC driver is Debian's ``libpostgresql-jdbc-java`` (``/usr/share/java/postgresql.jar``,
installed by ``.ci/run``) or any jar named by ``INNOBRIDGE_JDBC_JAR``; Spark ships it to the
executors (``spark.jars``).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.db import connection
from django.db.models import Max, Min
from django.utils import timezone

from innobridge.matching import index
from innobridge.matching.models import TechnologyNeed, TechnologyOffer
from innocore.match.engine import Document

DEBIAN_JAR = Path("/usr/share/java/postgresql.jar")
DRIVER = "org.postgresql.Driver"


class JdbcUnavailable(Exception):
    """JDBC reads were asked for where they cannot run (not PostgreSQL, or no driver jar)."""


def driver_jar() -> Path | None:
    """The PostgreSQL JDBC driver: ``INNOBRIDGE_JDBC_JAR`` when set, else Debian's package."""
    named = os.environ.get("INNOBRIDGE_JDBC_JAR", "").strip()
    path = Path(named) if named else DEBIAN_JAR
    return path if path.is_file() else None


def unavailable_reason() -> str | None:
    """Why JDBC reads cannot run here, or None when they can."""
    if connection.vendor != "postgresql":
        return f"the database is {connection.vendor}: JDBC reads are for PostgreSQL"
    if driver_jar() is None:
        named = os.environ.get("INNOBRIDGE_JDBC_JAR", "").strip()
        return (
            f"INNOBRIDGE_JDBC_JAR={named} is not a file"
            if named
            else f"no PostgreSQL JDBC driver at {DEBIAN_JAR} (apt-get install libpostgresql-jdbc-java)"
        )
    if not connection.settings_dict.get("HOST") or str(connection.settings_dict["HOST"]).startswith("/"):
        return "the database is reached through a Unix socket: JDBC needs a host and port in DATABASE_URL"
    return None


def spark_conf() -> dict[str, str]:
    """Settings for the Spark session: the driver jar on the driver's and executors' class paths."""
    jar = driver_jar()
    if jar is None:
        raise JdbcUnavailable(unavailable_reason() or "no JDBC driver")
    return {"spark.jars": str(jar)}


def _options() -> dict[str, str]:
    db = connection.settings_dict
    host = db.get("HOST") or "localhost"
    if host.startswith("/"):
        raise JdbcUnavailable("the database is reached through a Unix socket: JDBC needs a host and port")
    port = db.get("PORT") or "5432"
    return {
        "url": f"jdbc:postgresql://{host}:{port}/{db['NAME']}",
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "driver": DRIVER,
        "fetchsize": "2000",
    }


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _m2m(model, field_name: str, target_column: str | None) -> str:
    """An ARRAY of the related rows' ``target_column`` (their ids when None) for each record."""
    field = model._meta.get_field(field_name)
    through = _q(field.m2m_db_table())
    mine, theirs = _q(field.m2m_column_name()), _q(field.m2m_reverse_name())
    if target_column is None:
        return f"ARRAY(SELECT t.{theirs} FROM {through} t WHERE t.{mine} = r.id ORDER BY t.{theirs})"
    related = field.related_model
    return (
        f"ARRAY(SELECT x.{_q(target_column)} FROM {through} t JOIN {_q(related._meta.db_table)} x "
        f"ON x.{_q(related._meta.pk.column)} = t.{theirs} WHERE t.{mine} = r.id ORDER BY 1)"
    )


def _offers_sql(today) -> str:
    # The filters of index.offers_queryset(): published and not expired. Both values are the
    # project's own constants (a status and a date), never user input.
    return (
        "SELECT r.id, r.slug, r.title, r.summary, r.description, r.scenarios, r.trl, r.language, "
        f"{_m2m(TechnologyOffer, 'sectors', 'slug')} AS sectors, "
        f"{_m2m(TechnologyOffer, 'target_places', None)} AS places "
        f"FROM {_q(TechnologyOffer._meta.db_table)} r "
        f"WHERE r.status = '{TechnologyOffer.Status.PUBLISHED.value}' "
        f"AND (r.expires_on IS NULL OR r.expires_on >= DATE '{today.isoformat()}')"
    )


def _needs_sql() -> str:
    return (
        "SELECT r.id, r.slug, r.title, r.description, r.language, r.place_id, "
        f"{_m2m(TechnologyNeed, 'sectors', 'slug')} AS sectors "
        f"FROM {_q(TechnologyNeed._meta.db_table)} r "
        f"WHERE r.status = '{TechnologyNeed.Status.PUBLISHED.value}'"
    )


def _read(spark, sql: str, queryset) -> list:
    """The rows of ``sql``, read in parallel ranges of ids (two per executor core), by id."""
    bounds = queryset.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    reader = spark.read.format("jdbc").options(**_options()).option("dbtable", f"({sql}) AS records")
    parts = max(1, min(2 * spark.sparkContext.defaultParallelism, bounds["high"] - bounds["low"] + 1))
    if parts > 1:
        reader = (
            reader.option("partitionColumn", "id")
            .option("lowerBound", str(bounds["low"]))
            .option("upperBound", str(bounds["high"] + 1))
            .option("numPartitions", str(parts))
        )
    try:
        rows = reader.load().collect()
    except Exception as exc:  # Py4J and Spark errors: one clear message, not a JVM stack trace
        first = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise JdbcUnavailable(f"reading {queryset.model._meta.db_table} over JDBC failed: {first}") from exc
    return sorted(rows, key=lambda r: r["id"])


def offer_documents(spark) -> list[Document]:
    """The live published offers, as ``index.OFFERS.documents(offers_queryset().order_by("pk"))``."""
    places = index.PlaceTable.load()
    rows = _read(spark, _offers_sql(timezone.localdate()), index.offers_queryset())
    return [
        index.offer_document_of(
            slug=r["slug"],
            title=r["title"],
            text=TechnologyOffer.text_of(r["summary"], r["description"], r["scenarios"]),
            sectors=r["sectors"],
            place_ids=r["places"],
            trl=r["trl"],
            language=r["language"],
            places=places,
        )
        for r in rows
    ]


def need_documents(spark) -> list[Document]:
    """The published needs, as ``index.NEEDS.documents(needs_queryset().order_by("pk"))``."""
    places = index.PlaceTable.load()
    rows = _read(spark, _needs_sql(), index.needs_queryset())
    return [
        index.need_document_of(
            slug=r["slug"],
            title=r["title"],
            text=TechnologyNeed.text_of(r["description"]),
            sectors=r["sectors"],
            place_id=r["place_id"],
            language=r["language"],
            places=places,
        )
        for r in rows
    ]
