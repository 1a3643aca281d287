import json
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase

OFFERS = [
    {"id": "o1", "lang": "zh-Hant", "title": "建築物被動輻射製冷塗層", "text": "無需電力，令屋頂降溫十度。"},
    {
        "id": "o2",
        "lang": "en",
        "title": "Cooling tower water treatment",
        "text": "Scale inhibitors for cooling towers.",
    },
    {"id": "o3", "lang": "zh-Hans", "title": "仓储拣选机器人", "text": "机器视觉拣货。"},
]
NEEDS = [
    {"id": "n1", "lang": "zh-Hans", "title": "辐射制冷涂层", "text": "屋顶降温"},
    {"id": "n2", "lang": "en", "title": "Warehouse picking robot", "text": "Vision-guided picking."},
]
QRELS = "n1 0 o1 3\nn2 0 o3 2\n"


class MatchEvalTests(SimpleTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        self.write("offers.jsonl", "\n".join(json.dumps(o, ensure_ascii=False) for o in OFFERS))
        self.write("needs.jsonl", "\n".join(json.dumps(n, ensure_ascii=False) for n in NEEDS))
        self.write("qrels.tsv", QRELS)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        (self.dir / name).write_text(text, encoding="utf-8")
        return self.dir / name

    def run_eval(self, *extra, corpus="offers.jsonl", queries="needs.jsonl", qrels="qrels.tsv"):
        out = StringIO()
        call_command(
            "match_eval",
            "--corpus",
            str(self.dir / corpus),
            "--queries",
            str(self.dir / queries),
            "--qrels",
            str(self.dir / qrels),
            "--json",
            *extra,
            stdout=out,
        )
        return json.loads(out.getvalue())

    def test_it_prints_the_documented_figures(self):
        result = self.run_eval("--method", "bm25")
        for key in [
            "ndcg@10",
            "recall@10",
            "mrr",
            "acc@1",
            "queries",
            "index_s",
            "query_ms_p50",
            "query_ms_p95",
            "peak_rss_mb",
            "method",
        ]:
            self.assertIn(key, result)
        self.assertEqual(result["queries"], 2)

    def test_hybrid_ranks_cross_language_answers_first(self):
        result = self.run_eval("--method", "hybrid")
        self.assertEqual(result["acc@1"], 1.0)

    def test_it_writes_a_trec_run_file(self):
        self.run_eval("--method", "hybrid", "--run", str(self.dir / "run.txt"))
        first = (self.dir / "run.txt").read_text().splitlines()[0].split()
        self.assertEqual(first[:4], ["n1", "Q0", "o1", "1"])
        self.assertEqual(first[5], "hybrid")

    def test_a_malformed_line_is_reported_with_its_number(self):
        self.write("bad.jsonl", json.dumps(OFFERS[0]) + "\n{not json\n")
        with self.assertRaisesMessage(CommandError, "bad.jsonl:2"):
            self.run_eval(corpus="bad.jsonl")

    def test_unknown_ids_in_qrels_are_reported(self):
        self.write("bad.tsv", "n1 0 o9 3\n")
        with self.assertRaisesMessage(CommandError, "unknown document id 'o9'"):
            self.run_eval(qrels="bad.tsv")

    def test_empty_files_are_reported(self):
        self.write("empty.jsonl", "")
        with self.assertRaisesMessage(CommandError, "empty file"):
            self.run_eval(queries="empty.jsonl")

    def test_duplicate_ids_are_reported(self):
        self.write("dup.jsonl", json.dumps(OFFERS[0]) + "\n" + json.dumps(OFFERS[0]))
        with self.assertRaisesMessage(CommandError, "duplicate id"):
            self.run_eval(corpus="dup.jsonl")

    def test_the_hyphenated_command_name_works(self):
        from innobridge.cli import main

        with self.assertRaises(SystemExit):
            main(["match-eval", "--help"])
