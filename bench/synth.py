"""A synthetic hub of N records for the benchmark: every type, realistic sizes, ~20% affiliate-only.

Deterministic for a given seed; valid under `hubgen check`.
    python -m bench.synth N OUT [--seed S]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIELD_WORDS = ["supplier", "factory", "disclosure", "worker", "rights", "remedy", "contract", "clause", "audit", "monitoring", "tender", "award", "buyer", "affiliate", "electronics", "transparency", "risk", "due", "diligence", "purchasing", "leverage", "union", "wage", "overtime", "migrant", "recruitment", "fee", "health", "safety", "chemical", "mining", "cobalt", "tin", "nickel", "semiconductor", "battery", "framework", "extension", "penalty", "incentive", "dialogue", "engagement", "market", "evidence", "report", "training", "methodology", "questionnaire", "certification", "ecolabel", "calculator", "procurement", "council", "university", "agency", "region", "country", "policy", "strategy", "roadmap", "criteria"]
FUNCTION_WORDS = ["the", "of", "and", "to", "in", "for", "on", "with", "by", "that", "is", "are", "as",
                  "be", "from", "at", "or", "their", "this", "it", "an", "which", "have", "its", "not",
                  "can", "should", "was", "were", "has"]
RARE_WORDS = 6000


def _rare_words(count: int) -> list[str]:
    """Made-up words for the long tail of a real archive's vocabulary (the same every run)."""
    rng = random.Random("hubgen-synth-vocabulary")
    taken = set(FUNCTION_WORDS) | set(FIELD_WORDS)
    found: list[str] = []
    while len(found) < count:
        word = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
        if word not in taken:
            taken.add(word)
            found.append(word)
    return found


# Prose drawn from a vocabulary shaped like a real archive's (Zipf's law): function words
# most often, then the field's own terms, then a long tail of rarer words. With a few dozen
# equally likely words, every query matched every page and every two-word title was said
# on every page, which measured neither the search nor the scan fairly.
VOCABULARY = [*FUNCTION_WORDS, *FIELD_WORDS, *_rare_words(RARE_WORDS)]
_CUMULATIVE = list(itertools.accumulate(1 / rank for rank in range(1, len(VOCABULARY) + 1)))
TERMS = VOCABULARY[len(FUNCTION_WORDS):]  # titles and tags are made of content words
_TERMS_CUMULATIVE = _CUMULATIVE[:len(TERMS)]
SHARE = {"tools": 0.25, "webinars": 0.15, "clauses": 0.2, "events": 0.05, "takeaways": 0.35}
KINDS = ["guidance", "questionnaire", "template", "training", "ecolabel", "certification", "rating",
         "calculator", "database", "other"]
STAGES = ["pre-tender", "tender", "award", "contract-management", "renewal"]
THEMES = 24


def q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML scalar


class Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=self.rng.randint(low, high)))

    def terms(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(TERMS, cum_weights=_TERMS_CUMULATIVE, k=self.rng.randint(low, high)))

    def sentence(self) -> str:
        return self.words(8, 18).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))

    def body(self) -> str:
        parts = [self.paragraph() for _ in range(self.rng.randint(2, 4))]
        parts.insert(1, "\n".join(f"- {self.sentence()}" for _ in range(self.rng.randint(2, 5))))
        return "\n\n".join(parts)

    def block(self, key: str, text: str, indent: int = 0) -> str:
        pad = " " * (indent + 2)
        return f"{' ' * indent}{key}: |\n" + "\n".join(pad + ln if ln else "" for ln in text.splitlines()) + "\n"

    def audience(self) -> str:
        return "affiliates" if self.rng.random() < 0.2 else "public"

    def links(self, ident: str) -> str:
        out = "links:\n"
        for i in range(self.rng.randint(1, 3)):
            aff = self.rng.random() < 0.2
            host = "intranet.example.org" if aff else "example.org"
            out += f"  - title: {q(self.terms(2, 5).capitalize())}\n    url: https://{host}/{ident}/{i}\n"
            if aff:
                out += "    audience: affiliates\n"
        return out


def generate(n: int, out: Path, seed: int = 1) -> Path:
    w = Writer(seed)
    rng = w.rng
    content = out / "content"
    if out.exists():
        shutil.rmtree(out)
    for folder in SHARE:
        (content / folder).mkdir(parents=True)
    themes = [f"theme-{i:02d}" for i in range(THEMES)]
    (content / "hub.yml").write_text(
        "title: Benchmark Hub\norganisation: Benchmark Network\n"
        "description: A synthetic hub for measuring hubgen.\ndefault_audience: affiliates\n"
        "public_url: https://hub.example.org/\naffiliates_url: https://affiliates.example.org/\n")
    (content / "themes.yml").write_text("".join(
        f"- id: {t}\n  title: {q(w.terms(1, 3).capitalize() + ' ' + str(i))}\n  description: {q(w.sentence())}\n"
        for i, t in enumerate(themes)))
    counts = {t: max(1, round(n * s)) for t, s in SHARE.items()}
    ids = {t: [f"{t[:-1]}-{i:05d}" for i in range(c)] for t, c in counts.items()}
    refs = [f"{t}/{i}" for t, items in ids.items() for i in items]
    for type_, items in ids.items():
        for number, ident in enumerate(items):
            audience = w.audience()
            text = (f"title: {q(w.terms(2, 6).capitalize())}\nsummary: {q(w.sentence() + ' ' + w.sentence())}\n"
                    f"themes: [{', '.join(rng.sample(themes, rng.randint(1, 3)))}]\naudience: {audience}\n")
            text += w.block("body", w.body())
            text += f"tags: [{', '.join(q(w.terms(1, 2)) for _ in range(rng.randint(0, 3)))}]\n"
            text += w.links(ident)
            related = [r for r in rng.sample(refs, 2) if r != f"{type_}/{ident}"]
            text += f"related: [{', '.join(related)}]\n"
            if rng.random() < 0.3:
                text += w.block("affiliate_note", w.paragraph())
            text += f"updated: 20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
            if type_ == "tools":
                text += (f"provider: {q(w.terms(1, 3).title())}\nkind: {rng.choice(KINDS)}\n"
                         "use_for:\n" + "".join(f"  - {q(w.sentence())}\n" for _ in range(3)))
            elif type_ == "webinars":
                if rng.random() < 0.8:
                    text += (f"starts: 20{rng.randint(22, 28)}-{rng.randint(1, 12):02d}-"
                             f"{rng.randint(1, 28):02d}T{rng.randint(8, 17):02d}:00:00+01:00\n"
                             f"duration: {rng.choice([45, 60, 90])}\n")
                text += f"series: {q('Series ' + str(number % 7))}\n"
            elif type_ == "clauses":
                text += f"stage: [{', '.join(rng.sample(STAGES, rng.randint(1, 2)))}]\n"
                text += w.block("wording", "\n\n".join(f"{i}. {w.paragraph()}" for i in range(1, 4)))
                text += w.block("guidance", w.paragraph()) + "source: Synthetic.\n"
            elif type_ == "events":
                text += "starts: 2023-05-10\nends: 2023-05-11\nlocation: Utrecht, Netherlands\nsessions:\n"
                for s in range(rng.randint(3, 6)):
                    text += f"  - title: {q('Session ' + str(s) + ' ' + w.terms(1, 3))}\n    summary: {q(w.sentence())}\n"
                    text += w.block("body", w.paragraph(), 4)
                    if rng.random() < 0.2:
                        text += "    audience: affiliates\n"
            elif type_ == "takeaways":
                text += f"event: {rng.choice(ids['events'])}\nsession: Knowledge Exchange Hubs\n"
                if rng.random() < 0.5:
                    text += "points:\n" + "".join(f"  - {q(w.sentence())}\n" for _ in range(rng.randint(3, 7)))
                else:
                    text += "sections:\n"
                    for _ in range(2):
                        text += f"  - title: {q('Section ' + w.terms(1, 2))}\n    points:\n"
                        text += "".join(f"      - {q(w.sentence())}\n" for _ in range(3))
                        if rng.random() < 0.2:
                            text += "    audience: affiliates\n"
            (content / type_ / f"{ident}.yml").write_text(text)
    shutil.copytree(ROOT / "templates", out / "templates")
    shutil.copy(ROOT / "mkdocs.yml", out / "mkdocs.yml")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)
