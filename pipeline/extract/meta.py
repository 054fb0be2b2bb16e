"""Title, unit, project, evaluated year, region and kind of a report (rules in ``rules/meta.yaml``)."""

from __future__ import annotations

from collections import Counter
from functools import cached_property

import regex
from pydantic import BaseModel, Field

from pipeline.document import Block, Document
from pipeline.normalize import fold_script
from pipeline.ruleset import load, schema


class KindRule(BaseModel):
    id: str
    title: str
    body: dict[str, int]


class KindExample(BaseModel):
    title: str
    kind: str


class YearRules(BaseModel):
    evaluated: str
    title_year: str
    plain_year: str
    plain_start: str  # a year things started from ("从2012年起"): the opening covers several years
    period: str
    period_cue: str
    whole_year: str  # January to December of one year: that year, as surely as 年度
    title_months: str  # a span of months of one year in a title ("2021年1月-10月…报告"): that year
    title_lead: str  # a title (a file's name) opening with a bare year ("2021乡镇…资金_自评报告.pdf")
    placeholder: str
    chinese_year: str
    chinese_digits: dict[str, int]
    caption: str
    scope: str  # a sentence saying which year's spending is evaluated: as sure as a caption
    scope_examples: list[dict]
    scope_counterexamples: list[str]
    ignore_tags: list[str]
    conflict_mentions: int = Field(ge=1)
    caption_chars: int = Field(ge=1)
    plain_window: int = Field(ge=1)  # characters of the opening text in which a bare 2016年 may name the year
    examples: list[dict]
    counterexamples: list[str]

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def chinese_year_rx(self) -> regex.Pattern:
        return regex.compile(self.chinese_year)


class UnitRules(BaseModel):
    labels: list[str]
    org_suffix: str
    document_names: str
    pronouns: str
    examples: list[dict]


class ProjectRules(BaseModel):
    labels: str
    report_words: str
    trailing: str
    whole_spending: str  # a title about the department's whole spending names no project
    examples: list[dict]


@schema("meta.yaml")
class MetaRules(BaseModel):
    version: int
    kinds: list[KindRule]
    kind_min_score: int
    examples: list[KindExample]
    year: YearRules
    unit: UnitRules
    project: ProjectRules
    regions: list[str] = Field(default_factory=list)
    cities: dict[str, str] = Field(default_factory=dict)

    model_config = {"ignored_types": (cached_property,)}

    @cached_property
    def rx(self) -> dict[str, regex.Pattern]:
        y, u, p = self.year, self.unit, self.project
        return {
            "evaluated": regex.compile(y.evaluated),
            "title_year": regex.compile(y.title_year),
            "plain_year": regex.compile(y.plain_year),
            "plain_start": regex.compile(y.plain_start),
            "period": regex.compile(y.period),
            "whole_year": regex.compile(y.whole_year),
            "title_months": regex.compile(y.title_months),
            "title_lead": regex.compile(y.title_lead),
            "period_cue": regex.compile(y.period_cue),
            "placeholder": regex.compile(y.placeholder),
            "caption": regex.compile(y.caption),
            "scope": regex.compile(y.scope),
            # (a title may open with its year: "2022年度某区妇女联合会部门整体支出…")
            # (and an organisation's name holds no figure and no bracket left open: "2021乡镇(公社)…" is none)
            "org": regex.compile(r"^(?:(?:19|20)\d{2}\s*(?:年度?)?)?((?:[^（(\d]|[（(][^）)\d]{1,12}[）)]){2,30}?" + u.org_suffix + r")(?=(?:19|20)\d{2}|关于|[^\p{Han}]|项目|部门|$)"),
            "pronoun": regex.compile(u.pronouns),
            "whole_spending": regex.compile(p.whole_spending),
            "document_names": regex.compile(u.document_names.replace("ORG", u.org_suffix)),
            "project_label": regex.compile(
                # (a heading that names the field with another, "项目名称及项目资金", states no name)
                r"(?:" + p.labels + r")(?:\s*(?:" + p.labels + r"))*\s*[：:]?\s*(?![及和与、|])([^\s，,。；;+“”|]*?)(?=\s|$|[，,。；;|]|主管部门|实施单位)"
            ),
            "report_words": regex.compile(p.report_words + r"\s*(?:" + p.trailing + r")?\s*$"),
            "body_unit": regex.compile(
                r"(?:^|对|由)(\p{Han}{2,30}?" + u.org_suffix + r")(?:(?:19|20)\d{2}|20[xX]{2})年"
            ),
        }

    @cached_property
    def unit_labels(self) -> list[regex.Pattern]:
        # The value must read as an organisation: a label followed by "43个" is not a unit.
        value = r"(\p{Han}[^\s，,。；;：:]{1,30}?" + self.unit.org_suffix + r")"
        stop = r"(?=\s|$|[，,。；;（(]|主管部门|实施单位|项目名称|项目资金)"
        return [regex.compile(r"(?:" + label + r")\s*[：:]?\s*" + value + stop) for label in self.unit.labels]

    @cached_property
    def kind_rx(self) -> list[tuple[str, regex.Pattern, list[tuple[regex.Pattern, int]]]]:
        return [(k.id, regex.compile(k.title), [(regex.compile(p), w) for p, w in k.body.items()]) for k in self.kinds]

    def check(self) -> list[tuple[tuple, str]]:
        problems: list[tuple[tuple, str]] = []
        try:
            self.rx, self.kind_rx, self.unit_labels  # noqa: B018 - compiling is the check
        except regex.error as exc:
            return [((), f"a pattern does not compile: {exc}")]
        for i, ex in enumerate(self.examples):
            got = kind_of_title(ex.title, self)
            if got != ex.kind:
                problems.append((("examples", i), f"title gives kind {got}, expected {ex.kind}"))
        for i, ex in enumerate(self.year.examples):
            got = title_years_of(ex["text"], self)
            if got[:1] != [ex["year"]]:
                problems.append((("year", "examples", i), f"gives {got}, expected {ex['year']}"))
        for i, text in enumerate(self.year.counterexamples):
            if _years(text, self.rx["evaluated"], self.year) or _years(text, self.rx["title_year"], self.year):
                problems.append((("year", "counterexamples", i), f"{text!r} gives a year"))
        for i, ex in enumerate(self.year.scope_examples):
            got = scope_years(ex["text"], self)
            if got != [ex["year"]]:
                problems.append((("year", "scope_examples", i), f"gives {got}, expected {ex['year']}"))
        for i, text in enumerate(self.year.scope_counterexamples):
            if scope_years(text, self):
                problems.append((("year", "scope_counterexamples", i), f"{text!r} gives {scope_years(text, self)}"))
        for i, ex in enumerate(self.unit.examples):
            got = unit_of(ex["text"], self)
            if got != ex["unit"]:
                problems.append((("unit", "examples", i), f"gives {got!r}, expected {ex['unit']!r}"))
        for i, ex in enumerate(self.project.examples):
            got = project_of_title(ex["text"], self)
            if got != ex["project"]:
                problems.append((("project", "examples", i), f"gives {got!r}, expected {ex['project']!r}"))
        return problems


def rules() -> MetaRules:
    return load("meta.yaml")


def title_years_of(text: str, r: MetaRules, title: bool = True) -> list[int]:
    """The years a title names: 2023年度, else 2023年, else a January-to-December span of one year, else
    (``title``: a real title line, not a first line taken in its place) a span of months of one year or a
    bare year it opens with."""
    found = _years(text, r.rx["evaluated"], r.year) or _years(text, r.rx["title_year"], r.year) or _whole_years(text, r)
    if found or not title:
        return found
    return _years(text, r.rx["title_months"], r.year) or _years(text, r.rx["title_lead"], r.year)


def scope_years(text: str, r: MetaRules, folded: str | None = None) -> list[int]:
    """The years a sentence names as what is evaluated ("对2022年度…项目开展了绩效自评", "本次自评对象为2022年度…"),
    outside a document's title in 《》 (a notice's name says which year it asks about, not this report's).
    ``folded`` is fold_script(text) when the caller has it (a block's key)."""
    key = _arabic_years(folded if folded is not None else fold_script(text), r.year)
    return [int(m.group(1)) for m in r.rx["scope"].finditer(key) if not _in_book_title(key, m.start(1))]


def _whole_years(text: str, r: MetaRules) -> list[int]:
    return [int(m.group(1)) for m in r.rx["whole_year"].finditer(text) if m.group(1) == m.group(2)]


def _years(text: str, rx: regex.Pattern, y: YearRules) -> list[int]:
    return [int(m.group(1)) for m in rx.finditer(_arabic_years(text, y))]


def _key(text: str, r: MetaRules) -> str:
    """What meta rules match: simplified script, Chinese-numeral years as digits (same length as text)."""
    return _arabic_years(fold_script(text), r.year)


def _arabic_years(text: str, y: YearRules) -> str:
    """二〇二三年度 -> 2023年度, so that one set of year patterns reads both."""
    rx = y.chinese_year_rx
    if not rx.search(text):
        return text
    return rx.sub(lambda m: "".join(str(y.chinese_digits[c]) for c in m.group(1)) + m.group(0)[4:], text)


def folded_text(doc: Document) -> str:
    """fold_script(doc.text), put together from the blocks' keys (each block's text folded when it was
    normalised; folding goes character by character, so the lines fold as the whole would)."""
    return "\n".join(b.key if b.key is not None and b.norm is not None else fold_script(b.text) for b in doc.blocks)


def kind_of_title(title: str, r: MetaRules) -> str | None:
    key = fold_script(title)
    for kind, title_rx, _ in r.kind_rx:
        if title_rx.search(key):
            return kind
    return None


def title_blocks(doc: Document) -> list[Block]:
    return [b for b in doc.blocks if b.kind == "title"]


def main_title(doc: Document) -> str | None:
    """The report's own title: the last title line (a site wrapper or breadcrumb comes first), joined
    with the line above when it only finishes that line."""
    titles = title_blocks(doc)
    if not titles:
        return None
    last = titles[-1]
    if len(titles) > 1 and titles[-2].index == last.index - 1 and len(last.text) <= 12 and not regex.search(r"\d|年度", last.text):
        return titles[-2].text + last.text
    return last.text


def kind_of(doc: Document, title: str, r: MetaRules) -> str:
    # The last title line names the report most precisely (a site wrapper comes first).
    for line in [b.key or b.text for b in reversed(title_blocks(doc))] + [fold_script(title)]:
        kind = kind_of_title(line, r)
        if kind:
            return kind
    body = folded_text(doc)
    scores = {kind: sum(w * len(rx.findall(body)) for rx, w in signals) for kind, _, signals in r.kind_rx}
    kind, score = max(scores.items(), key=lambda kv: kv[1])
    return kind if score >= r.kind_min_score else "unknown"


def year_of(doc: Document, r: MetaRules) -> int | None:
    return year_and_conflict(doc, r)[0]


def year_and_conflict(doc: Document, r: MetaRules) -> tuple[int | None, dict | None]:
    """The evaluated year, and when the report contradicts itself about it, what each place says."""
    rx = r.rx
    titles = title_blocks(doc)
    head = [b for b in doc.blocks[:6] if b.kind != "table"]
    title_text = "".join(b.text for b in titles) if titles else (head[0].text if head else "")
    # A period spanning years in the title or the opening lines: no single evaluated year.
    for b in (titles or head[:1]) + [b for b in doc.blocks[:8] if "期间" in b.text or "年度" in b.text]:
        in_title = b in titles or b is (head[:1] or [None])[0]
        for m in rx["period"].finditer(b.text):
            if m.group(1) == m.group(2):
                continue
            # in the body, a span is the evaluated period only when said to be ("评价期间为2019—2021年");
            # a plan's years ("2015至2017年改造…") or a document's (《纲要(2010-2020年)》) are not
            if not in_title and (_in_book_title(b.text, m.start()) or not rx["period_cue"].search(b.text[max(0, m.start() - 14) : m.start()])):
                continue
            return None, {"period": [int(m.group(1)), int(m.group(2))]}
    # (a first line standing in for a missing title may be a sentence: "…于2024年3月至5月开展评价")
    title_years = title_years_of(title_text, r, title=bool(titles))
    title_years = [y for y in title_years if y]
    body: Counter[int] = Counter()
    captions: set[int] = set()
    scope: set[int] = set()
    ignored = set(r.year.ignore_tags)
    for b in doc.blocks:
        if b in titles or ignored.intersection(b.tags):
            continue
        # a normalised block's key is its text folded already (normalize_document)
        scope.update(scope_years(b.text, r, b.key if b.key is not None and b.norm is not None else None))
        years = _years(b.text, rx["evaluated"], r.year)
        years += _whole_years(b.text, r)
        body.update(years)
        if years and rx["caption"].search(b.text) and len(b.text) <= 40:
            captions.update(years)
        elif years and len(b.text) > 40:
            # a heading run into its paragraph (doc sites glue them): "1、2023年度…评价报告一、项目基本情况…"
            lead = b.text[: r.year.caption_chars]
            if rx["caption"].search(lead):
                captions.update(_years(lead, rx["evaluated"], r.year))
    if title_years:
        year = title_years[-1]
        # (a scope sentence's year counts even when printed with 年 alone: "对…2022年经费使用情况进行了自评")
        others = {y for y, n in body.items() if y != year and (n >= r.year.conflict_mentions or y in captions | scope)} | (scope - {year})
        # outnumbered in the body, or a caption (a form's or report's own heading) or the sentence that says
        # what is evaluated naming another year
        if others and (body[year] < sum(body[y] for y in others) or captions - {year} or scope - {year}):
            conflict = {"title": year, "body": {str(y): body[y] for y in sorted(body)}, "captions": sorted(captions)}
            if scope - {year}:
                conflict["scope"] = sorted(scope - {year})
            return None, conflict
        return year, None
    if len(rx["placeholder"].findall(doc.text)) >= 2:
        return None, None  # a 范文 copy with its years masked as 20xx: the years left are the sample's, no conflict
    if body:
        (year, n), *rest = body.most_common()
        if rest and rest[0][1] == n:
            return None, {"body": {str(y): c for y, c in sorted(body.items())}}
        if scope - {year}:
            # the sentence that says what is evaluated names another year than the body's: 对…2022年经费…自评,
            # 对2023年度16个项目进行自评
            return None, {"body": {str(y): c for y, c in sorted(body.items())}, "scope": sorted(scope - {year})}
        return year, None
    opening = _opening_blocks(doc, r.year.plain_window)
    plain = Counter(y for b in opening for y in _years(b.text, rx["plain_year"], r.year))
    # a span of years or a year things started from in the opening ("2017-2018年", "从2012年起"): bare
    # years there say no single year was evaluated
    if plain and any(rx["period"].search(b.text) or rx["plain_start"].search(b.text) for b in opening):
        return None, None
    if plain:
        (year, n), *rest = plain.most_common()
        return (None, None) if rest and rest[0][1] == n else (year, None)
    return None, None


def _opening_blocks(doc: Document, chars: int) -> list[Block]:
    """The blocks that open the document, up to ``chars`` characters of text (a doc-sharing site's lines
    of page names and file facts are many and short: counting blocks would stop inside them)."""
    out, seen = [], 0
    for b in doc.blocks:
        if seen >= chars:
            break
        out.append(b)
        seen += len(b.text)
    return out


def _in_book_title(text: str, pos: int) -> bool:
    opened = text.rfind("《", 0, pos)
    return opened >= 0 and text.rfind("》", opened, pos) < 0


def _cut(text: str, m: regex.Match, group: int = 1) -> str:
    """The group of a match made on the folded key, cut from the text as printed (same offsets)."""
    return text[m.start(group) : m.end(group)]


def labelled_unit(text: str, r: MetaRules, key: str | None = None) -> tuple[int, str] | None:
    """(label preference, unit) for the most preferred labelled unit in a line."""
    key = key if key is not None else fold_script(text)
    for rank, rx in enumerate(r.unit_labels):
        m = rx.search(key)
        if m:
            return rank, _cut(text, m)
    return None


def unit_of(text: str, r: MetaRules) -> str | None:
    key = _key(text, r)
    found = labelled_unit(text, r, key)
    if found:
        return found[1]
    m = r.rx["document_names"].search(key)
    if m:
        return _cut(text, m)
    m = r.rx["org"].match(key)
    return _cut(text, m) if m else None


def project_of_title(title: str, r: MetaRules) -> str | None:
    key = _key(title, r)
    m = r.rx["report_words"].search(key)
    if not m:
        return None
    head, head_key = title[: m.start()], key[: m.start()]
    years = list(regex.finditer(r"(?:(?:19|20)\d{2}|20[xX]{2})\s*年度?|^(?:19|20)\d{2}(?=\p{Han})", head_key))
    if years:
        project = head[years[-1].end() :]
        # the title names only the form, or the department's whole spending (a 部门整体 report has no project)
        return project if project not in ("", "项目", "项目支出") and not r.rx["whole_spending"].search(project) else None
    org = r.rx["org"].match(head_key)
    if org:
        return head[org.end(1) :] or None
    return head if len(head) >= 4 else None  # a title naming only the project


def region_of(text: str, r: MetaRules) -> str | None:
    """The province named first (directly, or through its capital or a major city)."""
    key = fold_script(text)
    found = [(key.find(name), name) for name in r.regions if name in key]
    found += [(key.find(city), prov) for city, prov in r.cities.items() if city in key]
    return min(found)[1] if found else None


def extract_meta(doc: Document) -> dict:
    r = rules()
    title = main_title(doc)
    unit: str | None = None
    labelled: list[tuple[int, int, str]] = []
    project = None
    for b in doc.blocks[:30]:
        lines = [(c.norm.text, c.key) for c in b.cells] if b.cells else [(b.text, b.key)]
        for k, (text, key) in enumerate(lines):
            key = key if key is not None else fold_script(text)
            found = labelled_unit(text, r, key)
            if found is None and b.cells and k + 1 < len(lines):
                # a form puts the label in one cell and the unit in the next
                found = labelled_unit(text + lines[k + 1][0], r)
            if found:
                labelled.append((found[0], b.index, found[1]))
            if project is None:
                m = r.rx["project_label"].search(key)
                if m:
                    project = _cut(text, m) if m.end(1) > m.start(1) else None
                    if project is None and b.cells and k + 1 < len(lines):
                        project = lines[k + 1][0] or None
    # The organisation that opens the title is the report's unit.
    if title:
        m = r.rx["org"].match(_key(title, r))
        if m:
            unit = _cut(title, m)
    if unit is None and labelled:
        unit = min(labelled)[2]
    if unit is None:
        for b in doc.blocks[:60]:
            m = r.rx["document_names"].search(b.key or b.text)
            if m:
                unit = _cut(b.text, m)
                break
    if unit is None:
        # "受…委托，…对X局2022年度…项目开展评价" / "X局2022年度…项目主要用于…"
        for b in doc.blocks[:12]:
            m = r.rx["body_unit"].search(b.key or b.text)
            if m:
                unit = _cut(b.text, m)
                break
    if unit is None and labelled:
        unit = min(labelled)[2]
    if unit is None:
        key = folded_text(doc)[:3000]
        m = r.rx["pronoun"].search(key)
        unit = doc.text[m.start() : m.end()] if m else None
    kind = kind_of(doc, title or "", r)
    if project is None and title:
        project = project_of_title(title, r)
    if project and unit and project.startswith(unit):
        project = project[len(unit) :] or None
    if kind == "dept-overall":
        project = None  # a department's overall report is about no single project
    region = region_of(" ".join(x for x in (title, unit) if x) + " " + doc.text[:3000], r)
    year, conflict = year_and_conflict(doc, r)
    return {
        "title": title,
        "unit": unit,
        "project": project,
        "year": year,
        "year_conflict": conflict,
        "region": region,
        "kind": kind,
    }
