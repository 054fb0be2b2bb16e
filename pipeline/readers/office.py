"""Legacy and other word-processor files (.doc, WPS .wps, .rtf, .odt): LibreOffice converts, the DOCX reader reads.

Converting to DOCX keeps tables (merged cells included) and paragraphs with their styles, so these files
get the same blocks and the same evidence as a DOCX; the Document keeps the source format ("doc", "rtf",
"odt") and ``converted_from``. A .wps from WPS 文字 is Word's OLE2 container (a WordDocument stream): the
caller tells formats apart by their streams, and the file is handed to LibreOffice under the name that
matches its content, never its own.

Each process keeps one :class:`Converter`: LibreOffice (``soffice --headless``) with a profile of its own,
made once and reused for every document, so that a worker's conversions neither share state with another
worker's nor pay for a new profile each time. Every conversion has its own time limit; a conversion that
hangs is killed with its whole process group, one that crashes LibreOffice becomes an error row, and in
both cases the profile is thrown away and made anew (the converter is restarted) before the next document.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing.util
import os
import resource
import shutil
import signal
import struct
import subprocess
import tempfile
from pathlib import Path

from pipeline.document import Document
from pipeline.errors import ReadError
from pipeline.limits import Limits

CONVERT_SECONDS = 60.0  # one conversion; a 100-page .doc converts in a few seconds
_SOFFICE_PATHS = ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")
_SUFFIX = {"doc": ".doc", "rtf": ".rtf", "odt": ".odt"}
_PROFILE_PREFIX = "jixiao-lo-"


def soffice_path() -> str | None:
    for name in _SOFFICE_PATHS:
        found = shutil.which(name)
        if found:
            return found
    return None


class Converter:
    """LibreOffice for one process: a private profile, reused across documents, remade after a failure."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.pid = os.getpid()
        self.profile = Path(tempfile.gettempdir()) / f"{_PROFILE_PREFIX}{self.pid}"
        self.restarts = 0
        _sweep_stale_profiles()
        atexit.register(self.close)
        # a multiprocessing worker ends with os._exit, which skips atexit; its finalizers still run
        multiprocessing.util.Finalize(self, shutil.rmtree, args=(str(self.profile),), kwargs={"ignore_errors": True}, exitpriority=10)

    def restart(self) -> None:
        """Forget the profile: after a crash or a kill it may be locked or half written."""
        shutil.rmtree(self.profile, ignore_errors=True)
        self.restarts += 1

    def close(self) -> None:
        if os.getpid() == self.pid:
            shutil.rmtree(self.profile, ignore_errors=True)

    def to_docx(self, data: bytes, suffix: str, seconds: float = CONVERT_SECONDS) -> bytes:
        """The DOCX LibreOffice makes of ``data`` (a file of type ``suffix``). Raises ReadError."""
        with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as work:
            src = Path(work) / f"input{suffix}"
            src.write_bytes(data)
            outdir = Path(work) / "out"
            cmd = [
                self.binary,
                f"-env:UserInstallation={self.profile.as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--nodefault",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(outdir),
                str(src),
            ]
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # its own process group, so a kill takes oosplash and soffice.bin
                preexec_fn=_lift_memory_cap,
                env={**os.environ, "SAL_USE_VCLPLUGIN": "svp", "HOME": work},
            )
            try:
                _, err = proc.communicate(timeout=seconds)
            except subprocess.TimeoutExpired:
                self.restart()
                raise ReadError(
                    "E_TIMEOUT", f"LibreOffice did not finish converting in {seconds:g} s: killed and restarted"
                ) from None
            finally:
                # Also when the document's own clock (SIGALRM) interrupts the wait: never leave it running.
                if proc.poll() is None:
                    _kill(proc)
            if proc.returncode < 0 or proc.returncode > 1:
                self.restart()
                how = signal.Signals(-proc.returncode).name if proc.returncode < 0 else f"exit {proc.returncode}"
                raise ReadError("E_OFFICE_CORRUPT", f"LibreOffice crashed on the file ({how}): restarted")
            out = outdir / "input.docx"
            if not out.exists():
                message = err.decode("utf-8", "replace").strip().splitlines()
                raise ReadError(
                    "E_OFFICE_CORRUPT", f"LibreOffice could not convert it: {' '.join(message)[-300:] or 'no output'}"
                )
            return out.read_bytes()


def _lift_memory_cap() -> None:
    # A jixiao worker caps its own address space; LibreOffice maps far more than it uses, and has its own
    # time limit here, so it runs with the hard limit only.
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ValueError, OSError):
        pass


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _sweep_stale_profiles() -> None:
    """Remove profiles left by processes that are gone (a worker killed at its hard time limit)."""
    for path in Path(tempfile.gettempdir()).glob(f"{_PROFILE_PREFIX}*"):
        try:
            pid = int(path.name[len(_PROFILE_PREFIX) :])
            os.kill(pid, 0)
        except ValueError:
            continue
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass


_converter: Converter | None = None


def converter() -> Converter:
    """This process's converter (a forked worker makes its own). Raises E_NO_CONVERTER without LibreOffice."""
    global _converter
    if _converter is None or _converter.pid != os.getpid():
        binary = soffice_path()
        if binary is None:
            raise ReadError("E_NO_CONVERTER", "soffice not found on PATH: apt-get install -y libreoffice-writer-nogui")
        _converter = Converter(binary)
    return _converter


def doc_encrypted(data: bytes) -> bool:
    """Whether a Word/WPS OLE2 file is password-protected: the FIB's fEncrypted flag (MS-DOC 2.5.2).

    >>> doc_encrypted(b"not an OLE2 file")
    False
    """
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            head = ole.openstream("WordDocument").read(12)
    except Exception:  # noqa: BLE001 - a damaged file is LibreOffice's to judge
        return False
    if len(head) < 12:
        return False
    (flags,) = struct.unpack_from("<H", head, 10)
    return bool(flags & 0x0100)


def read(data: bytes, path: str, limits: Limits, kind: str) -> Document:
    """``kind``: doc (Word or WPS text in OLE2), rtf or odt, as told from the bytes."""
    from pipeline.readers import docx

    if kind == "doc" and doc_encrypted(data):
        raise ReadError("E_OFFICE_ENCRYPTED", "Word/WPS file with the FIB fEncrypted flag set")
    converted = converter().to_docx(data, _SUFFIX[kind], min(CONVERT_SECONDS, limits.seconds))
    try:
        doc = docx.read(converted, path, limits)
    except ReadError as exc:
        if exc.code == "E_NO_TEXT":
            raise
        raise ReadError("E_OFFICE_CORRUPT", f"LibreOffice's DOCX is unreadable: {exc.detail}") from None
    doc.format = kind
    doc.converted_from = kind
    return doc
