"""Error codes a document can end with, and the exception that carries them.

Every reader failure becomes a :class:`ReadError` with a code from :data:`CODES`. The message is for the
auditor (Chinese, says what to do next); ``detail`` is for logs (English, what exactly went wrong).
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (message for the auditor, short English summary). The message always ends with the next step.
CODES: dict[str, tuple[str, str]] = {
    "E_NOT_FOUND": ("文件不存在或无法读取，请检查路径和权限后重试。", "file not found or unreadable"),
    "E_EMPTY": ("文件为空（0字节），请向报送单位索取完整文件。", "empty file"),
    "E_TOO_LARGE": ("文件超过大小上限，请确认是否为单份报告；如确需处理，请拆分后再提交。", "file too large"),
    "E_UNKNOWN_FORMAT": (
        "无法识别的文件内容（不是支持的文档、表格、图片或文本格式），请确认文件未损坏，或另存为DOCX/PDF后再提交。",
        "unrecognised bytes: no supported format",
    ),
    "E_IMAGE": (
        "图片（扫描件）中没有识别出文字，请提供更清晰的扫描件（不低于150dpi、不倾斜）或带文字层的PDF后再提交。",
        "image: OCR found no text",
    ),
    "E_IMAGE_CORRUPT": (
        "图片文件已损坏或不完整，无法打开，请重新扫描或重新导出后再提交。",
        "image cannot be decoded",
    ),
    "E_LEGACY_FORMAT": (
        "旧版二进制Office格式（如.ppt）暂不支持，请另存为.docx或PDF后再提交。",
        "legacy binary format not supported: save as .docx/PDF",
    ),
    "E_UNSUPPORTED_FORMAT": (
        "暂不支持该格式（如PPTX、压缩包），请另存为DOCX、XLSX、PDF或TXT后再提交。",
        "format recognised but not supported",
    ),
    "E_NO_CONVERTER": (
        "读取.doc/.wps/.rtf/.odt需要LibreOffice，本机未安装。请管理员执行 sudo apt-get install -y "
        "libreoffice-writer-nogui 后重试，或将文件另存为.docx后再提交。",
        "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-writer-nogui",
    ),
    "E_OFFICE_CORRUPT": (
        "Office文件（Word/WPS/RTF/ODT，或无法判断类型的旧版Office文件）已损坏或不完整，无法打开，"
        "请用Word/WPS打开后另存为新的.docx（表格另存为.xlsx）再提交。",
        "Office file is corrupt or truncated: could not be opened or converted",
    ),
    "E_SHEET_CORRUPT": (
        "表格文件（.xlsx/.xls/.et/.ods）已损坏或不完整，请用Excel/WPS打开后另存为新的.xlsx再提交。",
        "spreadsheet is corrupt or truncated",
    ),
    "E_TXT_ENCODING": (
        "文本文件编码无法识别，请用记事本另存为UTF-8编码后再提交。",
        "text encoding could not be determined",
    ),
    "E_TXT_LINE_TOO_LONG": (
        "文本中有超长的单行（无换行），不像一份报告，请检查文件是否为导出错误后再提交。",
        "a single line exceeds the line-length limit",
    ),
    "E_NO_TEXT": ("文件中没有可读的文字，请确认内容后重新提交。", "document holds no readable text"),
    "E_PDF_CORRUPT": (
        "PDF文件已损坏或不完整，请重新下载或重新导出PDF后再提交。",
        "PDF is corrupt or truncated",
    ),
    "E_PDF_ENCRYPTED": (
        "PDF已加密，需要密码才能打开，请向报送单位索取未加密的版本后再提交。",
        "PDF is encrypted with a password",
    ),
    "E_PDF_NO_TEXT": (
        "PDF没有文字层（扫描件），OCR也未识别出文字，请提供更清晰的扫描件（不低于150dpi）或带文字层的PDF后再提交。",
        "no text layer and OCR found no text",
    ),
    "E_DOCX_CORRUPT": (
        "DOCX文件已损坏（压缩包或XML结构错误），请用Word/WPS打开后另存为新的DOCX再提交。",
        "DOCX zip or XML is corrupt",
    ),
    "E_DOCX_UNSAFE": (
        "DOCX中含有不安全的XML声明（外部实体或实体展开），已拒绝读取，请用Word/WPS另存为新的DOCX再提交。",
        "DOCX XML declares a DTD or entities: refused",
    ),
    "E_OFFICE_ENCRYPTED": (
        "Word/Excel/WPS文件设置了打开密码，无法读取，请向报送单位索取未加密的版本后再提交。",
        "password-protected Office file",
    ),
    "E_DOCX_BOMB": (
        "DOCX/XLSX解压后体积异常巨大（疑似压缩炸弹），已拒绝读取，请向报送单位核实文件。",
        "DOCX/XLSX inflates beyond the size limit: refused",
    ),
    "E_NOT_A_REPORT": (
        "未识别出绩效自评报告内容（没有预算、得分、指标或报告标题），不计入审核结果；请确认是否报错了文件，"
        "或向报送单位索取绩效自评报告/自评表。",
        "not a performance report: no budget, score, indicator or report heading found",
    ),
    "E_TIMEOUT": (
        "读取超时，文件可能过大或结构异常，请拆分或另存后再提交。",
        "per-document time limit exceeded",
    ),
    "E_CHECKS_INCOMPLETE": (
        "该报告的处理未能完成（超时、内存不足或程序出错），部分检查没有进行，已得出的结果不完整；"
        "请人工复核该报告，或拆分、另存后重新运行。",
        "reading, extraction or checks were interrupted: the record is incomplete",
    ),
    "E_NOT_REGULAR_FILE": (
        "这不是普通文件（管道、套接字或设备），未读取；请把报告文件本身放入输入文件夹。",
        "not a regular file (FIFO, socket or device): not read",
    ),
    "E_SYMLINK_BROKEN": (
        "这是一个失效的快捷方式（符号链接指向的文件不存在或循环指向），未读取；请放入报告文件本身。",
        "dangling or looping symbolic link: not read",
    ),
    "E_SYMLINK_OUTSIDE": (
        "这是指向输入文件夹以外的快捷方式（符号链接），出于安全考虑未读取；如确为报告，请把文件复制到输入文件夹。",
        "symbolic link to a file outside the input folder: not read",
    ),
    "E_FOLDER_UNREADABLE": (
        "该文件夹无法打开（没有读取权限），其中的文件未读取；请检查文件夹权限后重新运行。",
        "folder cannot be listed (permission denied): its files were not read",
    ),
    "E_WORKER_CRASH": (
        "读取该文件时底层解析库崩溃（进程被系统终止，多为文件结构异常导致内存耗尽），未得到结果；"
        "请用原软件打开后另存（或打印为新的PDF）再提交，并将原文件反馈给jixiao维护人员。",
        "the worker process died (killed by a signal: a native library crashed or aborted, often at the memory limit)",
    ),
    "E_INTERNAL": (
        "处理该文件时程序内部出错，文件已跳过，请将该文件反馈给jixiao维护人员。",
        "unexpected internal error",
    ),
}


def out_of_memory(code: str | None, detail: str | None) -> bool:
    """Whether an E_TOO_LARGE row says the worker ran out of memory (a limit of this run, not a fact of the
    file: such a row is never cached, and the worker that hit the limit is replaced before the next file)."""
    return code == "E_TOO_LARGE" and "MemoryError" in str(detail)


@dataclass
class ReadError(Exception):
    """A document could not be read; ``code`` is a key of :data:`CODES`."""

    code: str
    detail: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown error code {self.code!r}")
        super().__init__(f"{self.code}: {self.detail or CODES[self.code][1]}")

    @property
    def message(self) -> str:
        """The auditor's message followed by the English summary, so both readers find it."""
        text, summary = CODES[self.code]
        return f"{text}（{summary}）"

    def as_record(self) -> dict:
        return {"code": self.code, "message": self.message, "detail": self.detail or CODES[self.code][1]}
