"""``innobridge match-batch``: top-k suggestions for every query on Apache Spark (local or a cluster).

With ``--corpus/--queries`` it ranks files in match-eval's format and writes a TREC run; without
them it matches every published need against the live offers and every published offer against
the published needs, and stores the suggestions (``BatchSuggestion``) stamped with the index version.
"""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from innobridge.matching import jdbc, services
from innocore.match.batch import DEFAULT_MASTER, DOCUMENT_BLOCK, BatchQuery, batch_match, spark_session, trec_lines
from innocore.match.engine import METHODS, Document, Query
from innocore.match.evaluate import EvalInputError, Record, read_jsonl, read_qrels, records_from, summarise


class Command(BaseCommand):
    help = "Compute the top-k suggestions of every query on Apache Spark, from files or from the database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus",
            type=Path,
            help="JSONL, or Parquet (a .parquet file or directory, read on Spark): {id, lang, title, text, sectors?}",
        )
        parser.add_argument("--queries", type=Path, help="JSONL or Parquet, same fields as the corpus (file mode)")
        parser.add_argument("--qrels", type=Path, help="TREC qrels: also print match-eval's metrics (file mode)")
        parser.add_argument("--run", type=Path, help="write the ranking as a TREC run file (file mode)")
        parser.add_argument("--method", choices=METHODS, default="hybrid")
        parser.add_argument("--encoder", help="use, e5, use+e5 or none (default: MATCHING_ENCODER, file mode: use)")
        parser.add_argument(
            "--top",
            type=int,
            default=None,
            help="suggestions kept per query (default 20 in file mode; 30 in database mode, three times "
            "what a page shows, as the pages filter them by the reader's visibility)",
        )
        parser.add_argument("--master", default=DEFAULT_MASTER, help="local[N] or a Spark master URL")
        parser.add_argument("--block", type=int, default=256, help="queries per scoring task")
        parser.add_argument(
            "--document-block",
            type=int,
            default=DOCUMENT_BLOCK,
            help="documents per block: a larger corpus is scored in blocks, one in an executor's memory at a "
            f"time (default {DOCUMENT_BLOCK:,})",
        )
        parser.add_argument(
            "--read",
            choices=("auto", "jdbc", "orm"),
            default="auto",
            help="database mode: read the records with Spark's JDBC source on the executors (PostgreSQL) or "
            "through Django on the driver; auto takes JDBC where it can run",
        )
        parser.add_argument(
            "--conf", action="append", default=[], metavar="KEY=VALUE", help="extra Spark setting (repeatable)"
        )

    def handle(
        self,
        *args,
        corpus,
        queries,
        qrels,
        run,
        method,
        encoder,
        top,
        master,
        block,
        document_block,
        read,
        conf,
        **options,
    ):
        top = top if top is not None else (20 if corpus else services.BATCH_TOP)
        if top < 1:
            raise CommandError("--top must be at least 1")
        if block < 1 or document_block < 1:
            raise CommandError("--block and --document-block must be at least 1")
        if bool(corpus) != bool(queries):
            raise CommandError("--corpus and --queries go together (file mode); give neither for database mode")
        if (run or qrels) and not corpus:
            raise CommandError("--run and --qrels need --corpus and --queries")
        extra = {}
        for item in conf:
            key, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--conf {item!r}: expected KEY=VALUE")
            extra[key] = value
        if not corpus:
            why = jdbc.unavailable_reason()
            if read == "jdbc" and why:
                raise CommandError(f"--read jdbc: {why}")
            read = "jdbc" if read == "auto" and why is None else ("orm" if read == "auto" else read)
            if read == "jdbc":
                jars = ",".join(j for j in (extra.get("spark.jars", ""), jdbc.spark_conf()["spark.jars"]) if j)
                extra["spark.jars"] = jars
        parquet = bool(corpus) and any(_is_parquet(p) for p in (corpus, queries))
        if corpus and not parquet:  # JSONL is checked before Spark starts: a bad file fails at once
            docs, qs, judged = _read_files(None, corpus, queries, qrels)
        encoder_name = encoder or ("use" if corpus else settings.MATCHING_ENCODER)
        encoder_name = None if encoder_name in ("", "none") or method == "bm25" else encoder_name
        spark = spark_session(master, conf=extra)
        try:
            sc = spark.sparkContext
            sys.stderr.write(f"spark master {sc.master} application {sc.applicationId}\n")
            if parquet:
                docs, qs, judged = _read_files(spark, corpus, queries, qrels)
            if corpus:
                result = batch_match(
                    spark,
                    [Document(r.id, r.title, r.text, r.sectors, lang=r.lang) for r in docs],
                    [BatchQuery(q.id, Query(q.title, q.text, q.sectors)) for q in qs],
                    encoder_name=encoder_name,
                    method=method,
                    top=top,
                    block=block,
                    document_block=document_block,
                )
                if run:
                    lines = trec_lines(result, method)
                    run.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
                out = (
                    summarise({q: [m[0] for m in found] for q, found in result.matches.items()}, judged, 10)
                    if (judged)
                    else {"queries": len(qs)}
                )
            else:
                try:
                    out = services.batch_suggestions_compute(
                        spark=spark,
                        encoder_name=encoder_name,
                        top=top,
                        block=block,
                        document_block=document_block,
                        method=method,
                        read=read,
                    )
                except jdbc.JdbcUnavailable as exc:
                    raise CommandError(f"--read jdbc: {exc}") from exc
                result = out.pop("result")
        finally:
            spark.stop()
        out.update(
            {
                "method": method,
                "master": result.master,
                "application_id": result.app_id,
                "pairs_scored": result.pairs,
                **result.timings,
            }
        )
        self.stdout.write(json.dumps(out, ensure_ascii=False))


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet" or (path.is_dir() and any(path.glob("*.parquet")))


def _read(spark, path: Path) -> list[Record]:
    if not _is_parquet(path):
        return read_jsonl(path)
    if spark is None or not path.exists():
        raise EvalInputError(f"{path}: no such file")
    try:
        rows = spark.read.parquet(str(path)).collect()
    except Exception as exc:  # Spark's AnalysisException and friends: report, do not crash
        raise EvalInputError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0][:200]})") from exc
    return records_from(((f"{path}: row {n}", r.asDict(recursive=True)) for n, r in enumerate(rows, start=1)), path)


def _read_files(spark, corpus: Path, queries: Path, qrels: Path | None):
    """The corpus, the queries and the judgements, each checked; a bad file is a clear CommandError."""
    try:
        docs, qs = _read(spark, corpus), _read(spark, queries)
        judged = read_qrels(qrels, {q.id for q in qs}, {d.id for d in docs}) if qrels else None
    except EvalInputError as exc:
        raise CommandError(str(exc)) from exc  # the caller stops Spark, if it started
    return docs, qs, judged
