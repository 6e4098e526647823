"""Plan-like benchmark corpora generated from the documents in raw/, with variation.

Each generated document is built from the paragraphs of one or more seed
documents, then varied so that no two are bare copies:

- numbering: the numbers in heading labels (一、 (三) 4.) are renumbered;
- numbers: quantities are redrawn, years kept in a plausible plan period;
- agencies and places: registry names and jurisdictions are swapped for
  others from src/plandata/rules/data/;
- noise: web-page chrome lines (sources, editors, print links, dates) are
  inserted, as scraped pages carry them;
- size: documents run from a few KB to a few hundred KB, a seed's script
  (simplified or traditional) is kept.

Everything is drawn from `random.Random(seed)`: the same size and seed give
the same bytes.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parents[1]
DATA = ROOT / "src" / "plandata" / "rules" / "data"
CN_DIGITS = "一二三四五六七八九十"
LABEL_RE = re.compile(
    r"^(?P<open>[(（]?)(?P<num>[一二三四五六七八九十]{1,3}|\d{1,2})(?P<close>[、)）.．])", re.MULTILINE
)
NUMBER_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")
NOISE_LINES = (
    "来源：{place}教育委员会网站",
    "责任编辑：{name}",
    "【打印本页】",
    "【关闭窗口】",
    "发布日期：{year}-{month:02d}-{day:02d}",
    "分享到：微信 微博 QQ空间",
    "扫一扫在手机打开当前页",
)
FOOTERS = ("本文地址：http://www.example.edu.cn/{n}.html", "版权所有 {place}教育网", "网站地图")
SPAM = "pg电子"
NAMES = ("张明", "李华", "王芳", "刘洋", "陈静", "杨帆")


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals, as plan headings write them."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens - 1] + "十")
    return head + (CN_DIGITS[ones - 1] if ones else "")


def _column(path: Path, name: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row[name] for row in csv.DictReader(fh) if row.get(name)]


class Varier:
    """Varies one seed paragraph at a time (numbering, numbers, names, noise)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.agencies = [n for n in _column(DATA / "agencies.csv", "name_zh") if len(n) >= 4]
        self.places = [p for p in _column(DATA / "jurisdictions.csv", "jurisdiction") if p.endswith(("区", "县", "市"))]
        self.agency_re = re.compile("|".join(map(re.escape, sorted(self.agencies, key=len, reverse=True))))
        self.place_re = re.compile("|".join(map(re.escape, sorted(self.places, key=len, reverse=True))))

    def relabel(self, match: re.Match[str]) -> str:
        n = self.rng.randint(1, 30)
        num = str(n) if match["num"].isdigit() else chinese_number(n)
        return f"{match['open']}{num}{match['close']}"

    def renumber(self, match: re.Match[str]) -> str:
        value = float(match[1])
        if 1990 <= value <= 2040 and "." not in match[1]:
            return str(self.rng.randint(2021, 2030))
        new = value * self.rng.uniform(0.5, 2.0)
        return f"{new:.1f}" if "." in match[1] else str(max(1, round(new)))

    def vary(self, text: str, place: str) -> str:
        text = LABEL_RE.sub(self.relabel, text)
        text = NUMBER_RE.sub(self.renumber, text)
        text = self.agency_re.sub(lambda m: self.rng.choice(self.agencies), text)
        return self.place_re.sub(place, text)

    def spam(self, line: str) -> str:
        at = self.rng.randrange(len(line) + 1)
        return line[:at] + SPAM + line[at:]

    def noise(self, place: str) -> str:
        line = self.rng.choice(NOISE_LINES)
        return line.format(
            place=place,
            name=self.rng.choice(NAMES),
            year=self.rng.randint(2020, 2024),
            month=self.rng.randint(1, 12),
            day=self.rng.randint(1, 28),
        )


def seed_paragraphs(raw_dir: Path) -> list[list[str]]:
    """The seeds, each as a list of paragraphs (lines), without the footers that end a page.

    A footer (a `cut_rest` noise rule) drops everything after it, so it may
    only close a generated document, never sit in its middle.
    """
    with (DATA / "noise.csv").open(encoding="utf-8", newline="") as fh:
        rules = [r for r in csv.DictReader(fh) if r["action"] == "cut_rest"]
    footer = [
        re.compile(r["pattern"] if r["is_regex"] == "true" else re.escape(r["pattern"]), re.IGNORECASE) for r in rules
    ]
    import opencc

    from plandata.read.normalise import PINYIN_GLOSS_RE

    t2s = opencc.OpenCC("t2s").convert  # the rules fire on normalised text: simplified, without glosses

    def to_simplified(line: str) -> str:
        return t2s(PINYIN_GLOSS_RE.sub("", line))

    seeds = []
    for path in sorted(raw_dir.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        seeds.append([x for x in lines if x.strip() and not any(f.search(to_simplified(x).strip()) for f in footer)])
    return seeds


def documents(raw_dir: Path, target_bytes: int, seed: int = 8) -> Iterator[tuple[str, str]]:
    """(file name, text) of generated documents until about `target_bytes` of UTF-8."""
    rng = random.Random(seed)
    seeds = seed_paragraphs(raw_dir)
    varier = Varier(rng)
    written, n = 0, 0
    while written < target_bytes:
        place = rng.choice(varier.places)
        base = rng.choice(seeds)
        lines: list[str] = []
        size = rng.choice((4_000, 8_000, 16_000, 32_000, 64_000, 200_000))
        while sum(len(x) for x in lines) * 3 < size:
            source = base if rng.random() < 0.7 else rng.choice(seeds)
            start = rng.randrange(len(source))
            for line in source[start : start + rng.randint(5, 40)]:
                line = varier.vary(line, place)
                lines.append(varier.spam(line) if rng.random() < 0.01 else line)
                if rng.random() < 0.03:
                    lines.append(varier.noise(place))
        n += 1
        lines.append(rng.choice(FOOTERS).format(n=n, place=place))
        text = "\n".join(lines) + "\n"
        written += len(text.encode("utf-8"))
        yield f"bench_{n:06d}.txt", text


def write_corpus(raw_dir: Path, out_dir: Path, target_bytes: int, seed: int = 8) -> tuple[int, int]:
    """Write a generated corpus into `out_dir`; return (documents, bytes)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    count = total = 0
    for name, text in documents(raw_dir, target_bytes, seed):
        data = text.encode("utf-8")
        (out_dir / name).write_bytes(data)
        count += 1
        total += len(data)
    return count, total
