"""Backup and restore: the database's records, uploaded documents and matching indexes in one file.

A backup is a gzipped tar holding ``manifest.json`` (format, time, database vendor, applied
migrations, record counts and a SHA-256 per member), ``records.json`` (every business record,
serialised by Django with natural keys for content types, so it restores into SQLite or
PostgreSQL alike), ``media/...`` and ``index/...``. Restore checks every checksum before it
touches anything, loads the records in one transaction and refuses a non-empty database unless
told to replace it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections import Counter
from datetime import UTC, datetime, time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
# Rebuilt by migrate, or not worth keeping: sessions, throttling and the index-version token.
EXCLUDED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "admin.logentry",
    "accounts.loginfailure",
    "matching.indexversion",
}


class BackupError(Exception):
    """A backup file that cannot be restored; the message says why. Nothing was changed."""


def _models(include_auto_created: bool = False):
    return [
        m
        for m in apps.get_models(include_auto_created=include_auto_created)
        if m._meta.label_lower not in EXCLUDED and m._meta.managed and not m._meta.proxy
    ]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".tmp"))


def records_json() -> bytes:
    """Every business record, in a stable order (by model, then primary key)."""
    objects = []
    for model in _models():
        objects.extend(model._default_manager.order_by("pk"))
    return serializers.serialize(
        "json", objects, use_natural_foreign_keys=True, indent=None, cls=_ExactEncoder
    ).encode()


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts datetimes to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def record_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in _models()}


def backup(path: Path, *, progress=None, include_index: bool = True) -> dict:
    """Write a backup of this installation to ``path`` (atomically); returns the manifest."""
    path = Path(path)
    media_root, index_root = Path(settings.MEDIA_ROOT), Path(settings.INDEX_DIR)
    with transaction.atomic():  # one consistent snapshot of the records
        records = records_json()
        counts = record_counts()
    members: dict[str, bytes | Path] = {"records.json": records}
    for f in _files(media_root):
        members[f"media/{f.relative_to(media_root).as_posix()}"] = f
    if include_index:
        for f in _files(index_root):
            members[f"index/{f.relative_to(index_root).as_posix()}"] = f
    checksums = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        with tarfile.open(tmp, "w:gz") as tar:
            for n, (name, source) in enumerate(members.items(), 1):
                data = source if isinstance(source, bytes) else source.read_bytes()
                checksums[name] = _sha(data)
                _add(tar, name, data)
                if progress:
                    progress(n, len(members), name)
            manifest = {
                "format": FORMAT,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": connection.vendor,
                "migrations": sorted(
                    f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
                ),
                "counts": counts,
                "checksums": checksums,
            }
            _add(tar, "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False).encode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def read_backup(path: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and members of a backup, every checksum verified; BackupError otherwise."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = {}
            for info in tar.getmembers():
                if not info.isfile():
                    continue
                name = info.name
                if name.startswith("/") or ".." in Path(name).parts:
                    raise BackupError(f"unsafe member name {name!r}")
                members[name] = tar.extractfile(info).read()
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(f"{path}: not a readable backup ({exc})") from exc
    if "manifest.json" not in members:
        raise BackupError(f"{path}: no manifest.json; not an InnoBridge backup")
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')} is not supported (expected {FORMAT})")
    expected = manifest.get("checksums", {})
    if set(expected) != set(members):
        raise BackupError("the backup's members do not match its manifest")
    for name, data in members.items():
        if _sha(data) != expected[name]:
            raise BackupError(f"{name} is damaged (checksum mismatch)")
    return manifest, members


def database_is_empty() -> bool:
    return not any(m._default_manager.exists() for m in _models())


def restore(path: Path, *, replace: bool = False, progress=None) -> dict:
    """Restore a backup into this installation. All records load in one transaction."""
    manifest, members = read_backup(Path(path))
    call_command("migrate", verbosity=0, interactive=False)
    applied = {f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations()}
    missing = sorted(set(manifest["migrations"]) - applied)
    if missing:
        raise BackupError(f"the backup comes from a newer version (migrations {', '.join(missing[:3])} unknown)")
    if not replace and not database_is_empty():
        raise BackupError("the database already holds records; restore with --replace to overwrite them")
    roots = {"media": Path(settings.MEDIA_ROOT), "index": Path(settings.INDEX_DIR)}
    staged = {kind: root.parent / f".{root.name}.restoring" for kind, root in roots.items()}
    records = members.pop("records.json")
    try:
        # Files first, beside their folders: nothing live changes until the records are in.
        for folder in staged.values():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        for n, (name, data) in enumerate(members.items(), 1):
            kind, _, rel = name.partition("/")
            if kind not in staged:
                raise BackupError(f"unexpected member {name!r}")
            target = staged[kind] / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            if progress:
                progress(n, len(members), name)
        with tempfile.TemporaryDirectory() as tmp:
            fixture = Path(tmp) / "records.json"
            fixture.write_bytes(records)
            with transaction.atomic():
                if replace:
                    # Plain DELETEs: foreign keys are checked at commit (Django declares them
                    # deferrable), so the order does not matter and a failed load undoes them.
                    for model in _models(include_auto_created=True):
                        model._base_manager.all()._raw_delete(connection.alias)
                call_command("loaddata", str(fixture), verbosity=0)
                counts = record_counts()
                if counts != manifest["counts"]:
                    diff = {k: (counts.get(k), v) for k, v in manifest["counts"].items() if counts.get(k) != v}
                    raise BackupError(f"restored counts differ from the backup: {diff}")
        for kind, root in roots.items():
            _swap_in(staged[kind], root, replace)
    finally:
        for folder in staged.values():
            shutil.rmtree(folder, ignore_errors=True)
    return {"counts": Counter(manifest["counts"]), "files": len(members)}


def _swap_in(staged: Path, root: Path, replace: bool) -> None:
    if replace and root.exists():
        old = root.parent / f".{root.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        os.replace(root, old)
        os.replace(staged, root)
        shutil.rmtree(old, ignore_errors=True)
        return
    for f in _files(staged):
        target = root / f.relative_to(staged)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(f, target)
