"""`manage.py parse_report --json FILE...`: parse files without touching the database (DESIGN.md contract)."""
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.divisions import default_gazetteer
from reports.parsing import parse_report
from reports.parsing.metrics import CORE_CODES
from reports.serialize import number


def contract_dict(path: str, result) -> dict:
    """The DESIGN.md contract object for one parsed file; catalog core codes only."""
    meta = result.metadata
    core = [f for f in result.figures if f.code in CORE_CODES]
    return {
        "file": path,
        "ok": result.ok,
        "error": result.error,
        "agency": meta.agency,
        "year": meta.year,
        "province": meta.province,
        "city": meta.city,
        "county": meta.county,
        "script": result.script,
        "format": result.layout,
        "metrics": {f.code: number(f.value) for f in core},
        "evidence": {f.code: f.evidence for f in core},
        "issued_on": meta.issued_on.isoformat() if meta.issued_on else None,
        "warnings": [warning_dict(w) for w in result.warnings],
    }


def warning_dict(w) -> dict:
    """A parser warning as the contract prints it: {"code", "message", "figures"}."""
    return {"code": w.code, "message": w.message, "figures": list(w.figures)}


class Command(BaseCommand):
    help = "Parse report files and print what was found; the database is not touched."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--json", action="store_true", help="print the JSON contract array")

    def handle(self, *args, files, json: bool = False, **options):
        gazetteer = default_gazetteer()
        out = []
        for name in files:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as exc:
                out.append({"file": name, "ok": False, "error": f"{name}: {exc.strerror}",
                            "agency": None, "year": None, "province": None, "city": None,
                            "county": None, "script": None, "format": None, "metrics": {},
                            "evidence": {}, "issued_on": None, "warnings": []})
                continue
            out.append(contract_dict(name, parse_report(data, filename=path.name, divisions=gazetteer)))
        if json:
            self.stdout.write(_dumps(out))
        else:
            for item in out:
                self._print_human(item)
        if not all(item["ok"] for item in out) and not json:
            raise CommandError("some files could not be read")

    def _print_human(self, item):
        self.stdout.write(f"{item['file']}: " + ("ok" if item["ok"] else f"FAILED {item['error']}"))
        if item["ok"]:
            self.stdout.write(f"  {item['agency']} {item['year']} {item['province'] or ''}"
                              f"{item['city'] or ''}{item['county'] or ''} [{item['format']}, {item['script']}]")
            for code, value in item["metrics"].items():
                self.stdout.write(f"  {code} = {value}    « {item['evidence'][code][:60]} »")
            for w in item["warnings"]:
                named = f" [{', '.join(w['figures'])}]" if w["figures"] else ""
                self.stdout.write(f"  ! {w['code']}{named}: {w['message']}")


def _dumps(obj):
    return json.dumps(obj, ensure_ascii=False, indent=1)
