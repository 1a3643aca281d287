"""``innobridge match-eval``: evaluate the matcher on any external corpus, without the database."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from innocore.match.dense import get_encoder
from innocore.match.engine import METHODS
from innocore.match.evaluate import EvalInputError, read_jsonl, run_eval


class Command(BaseCommand):
    help = "Rank a JSONL corpus for JSONL queries and report nDCG@10, Recall@10, MRR, accuracy@1 and timings."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, required=True, help="JSONL: {id, lang, title, text, sectors?}")
        parser.add_argument("--queries", type=Path, required=True, help="JSONL, same fields as the corpus")
        parser.add_argument("--qrels", type=Path, help="TREC qrels: query_id 0 doc_id grade (1-3)")
        parser.add_argument("--method", choices=METHODS, default="hybrid")
        parser.add_argument("--encoder", default="use", help="use, e5 or use+e5 (dense and hybrid methods)")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--run", type=Path, help="also write the ranking as a TREC run file")
        parser.add_argument("--json", action="store_true", help="print one JSON object (the default output)")

    def handle(self, *args, corpus, queries, qrels, method, encoder, top, run, **options):
        if top < 1:
            raise CommandError("--top must be at least 1")
        try:
            docs = read_jsonl(corpus)
            qs = read_jsonl(queries)
            enc = None if method == "bm25" else get_encoder(encoder)
            result = run_eval(
                corpus=docs, queries=qs, qrels_path=qrels, method=method, top=max(top, 10), encoder=enc, run_path=run
            )
        except (EvalInputError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False))
