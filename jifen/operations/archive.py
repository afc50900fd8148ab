"""One backup is one tar archive: ``manifest.json`` and the files it lists, each with its
SHA-256, so a damaged or altered archive is refused before anything is restored from it.

Layout: ``database/…`` (the engine's copy), ``media/…`` (the uploaded files, when they are kept
in a folder), ``keys/anchor.key`` (JIFEN_ANCHOR_KEY) and ``anchors/…`` (JIFEN_ANCHOR_DIR).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

FORMAT = "jifen-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class ArchiveError(Exception):
    """The archive cannot be trusted: the message, in Chinese, says why."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under ``folder``, by its relative POSIX path (symbolic links are not
    followed: a backup holds what the folder holds, not what it points to)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(folder).as_posix(), path


def archive_write(
    destination: Path, manifest: dict[str, Any], files: dict[str, Path]
) -> dict[str, Any]:
    """Write the archive: the files under their archive names, then the manifest that lists
    each with its size and SHA-256. Written to a temporary name and renamed, so a backup cut
    short never leaves a file that looks complete. ``.gz`` names are compressed."""
    listed = {}
    for name, path in files.items():
        listed[name] = {"sha256": file_sha256(path), "size": path.stat().st_size}
    manifest = {**manifest, "format": FORMAT, "files": listed}
    partial = destination.with_name(destination.name + ".partial")
    mode = "w:gz" if destination.name.endswith((".gz", ".tgz")) else "w"
    with tarfile.open(partial, mode) as tar:  # type: ignore[call-overload]
        body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(body), 0o600
        tar.addfile(info, io.BytesIO(body))
        for name, path in files.items():
            info = tar.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as stream:
                tar.addfile(info, stream)
    partial.chmod(0o600)  # it holds every member's personal data and the signing key
    partial.replace(destination)
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


@dataclass
class Unpacked:
    manifest: dict[str, Any]
    folder: Path

    def path(self, name: str) -> Path:
        return self.folder / name

    def names(self, prefix: str) -> list[str]:
        return sorted(name for name in self.manifest["files"] if name.startswith(prefix))


def _manifest_of(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        stream = tar.extractfile(member)
        if stream is None:
            raise KeyError(MANIFEST)
        manifest = json.loads(stream.read().decode())
    except KeyError as error:
        raise ArchiveError("备份文件缺少清单 manifest.json，不是 Jifen 的备份或已损坏") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise ArchiveError("备份清单 manifest.json 无法读取，备份已损坏") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"备份清单的格式不是 {FORMAT}，无法恢复")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(_safe_name(n) for n in files):
        raise ArchiveError("备份清单列出的文件名不合法，备份已损坏")
    return manifest


def _extract_checked(
    tar: tarfile.TarFile, member: tarfile.TarInfo, expected: dict[str, Any], target: Path
) -> None:
    stream = tar.extractfile(member)
    if stream is None:
        raise ArchiveError(f"备份中的 {member.name} 不是普通文件，备份已损坏")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for block in iter(lambda: stream.read(CHUNK), b""):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != expected.get("sha256"):
        raise ArchiveError(f"备份中的 {member.name} 与清单记录的 SHA-256 不符，备份已损坏")


def archive_unpack(source: Path, folder: Path) -> Unpacked:
    """Check the archive against its manifest while unpacking it into ``folder`` (a fresh,
    private temporary folder): every listed file present with its SHA-256, nothing unlisted,
    nothing but regular files. Raises ArchiveError; the caller has changed nothing yet."""
    if not source.is_file():
        raise ArchiveError(f"找不到备份文件：{source}")
    try:
        with tarfile.open(source, "r:*") as tar:
            manifest = _manifest_of(tar)
            listed: dict[str, Any] = manifest["files"]
            seen = set()
            for member in tar.getmembers():
                if member.name == MANIFEST or member.isdir():
                    continue
                if member.name not in listed or not member.isfile():
                    raise ArchiveError(f"备份中有清单未列出的内容：{member.name}，备份已被改动")
                _extract_checked(tar, member, listed[member.name], folder / member.name)
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise ArchiveError(f"备份文件无法读取（{error}），备份已损坏") from error
    missing = sorted(set(listed) - seen)
    if missing:
        raise ArchiveError(f"备份缺少清单列出的文件：{'、'.join(missing[:5])}，备份已损坏")
    return Unpacked(manifest, folder)
