# ruff: noqa: RUF001 (the news text uses typographic apostrophes on purpose)
"""A deterministic synthetic corpus for benchmarks, in the project's own file formats.

    python benchmarks/generate.py OUT --docs N [--seed S] [--error-rate R] [--jobs J]

writes `OUT/raw/<doc_id>.txt`, `OUT/raw/<doc_id>.meta.json` and `OUT/annotations/<doc_id>.json`
(gold: every layer `origin: human`, annotator `synthetic`) for documents `bench-0000001` ...
Each document is ~4.7 KB of news-like prose on export controls and sanctions (curly quotes,
accented names, every third document an emoji outside the BMP) with ~38 entities, ~5 quotes,
~5 measures and 0-2 noise spans. Text and spans are built together, so every span is exact:
code-point offsets, end exclusive, `text == raw[start:end]`, no surrounding white space, flat
entities, nothing overlapping noise. Story clusters have 1-4 documents; a document's split is
`tsr_news.corpus.splits.assign_split(cluster)`.

Document i is generated from `random.Random(f"{seed}:{i}")` alone, so the corpus is the same
byte for byte whatever `--jobs`. With `--error-rate R`, round(R * N) documents (chosen by the
seed) get exactly one injected error each, the kinds taken in turn from `CATALOGUE`; they are
listed in `OUT/bench-errors.json` (doc_id, file, expected problem code). `OUT/bench-corpus.json`
records the parameters and the generator's hash (the runner's cache key); both files sit at the
corpus root, where the validator does not look.

It is benchmark data: the metadata says the text is synthetic, and it is never committed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tsr_news.corpus.splits import assign_split

STAMP = "bench-corpus.json"
ERRORS = "bench-errors.json"
ANNOTATOR = "synthetic"
EMOJI = ("🚀", "📈", "🇺🇸", "🔬", "💡")

# -- vocabulary ---------------------------------------------------------------------------------
# (text, ref, jurisdiction)
GPES = [
    ("United States", "gpe:usa", "USA"),
    ("US", "gpe:usa", "USA"),
    ("Washington", "gpe:usa", "USA"),
    ("China", "gpe:china", "CHN"),
    ("Beijing", "gpe:china", "CHN"),
    ("Taiwan", "gpe:taiwan", "TWN"),
    ("Japan", "gpe:japan", "JPN"),
    ("Tokyo", "gpe:japan", "JPN"),
    ("Netherlands", "gpe:netherlands", "NLD"),
    ("The Hague", "gpe:netherlands", "NLD"),
    ("South Korea", "gpe:south_korea", "KOR"),
    ("Seoul", "gpe:south_korea", "KOR"),
    ("Germany", "gpe:germany", "DEU"),
    ("Berlin", "gpe:germany", "DEU"),
    ("France", "gpe:france", "FRA"),
    ("Britain", "gpe:uk", "GBR"),
    ("Russia", "gpe:russia", "RUS"),
    ("India", "gpe:india", "IND"),
    ("Australia", "gpe:australia", "AUS"),
    ("Canada", "gpe:canada", "CAN"),
    ("Hong Kong", "gpe:hong_kong", "HKG"),
]
CITIES = [
    ("Shenzhen", "gpe:shenzhen"),
    ("Shanghai", "gpe:shanghai"),
    ("Hefei", "gpe:hefei"),
    ("Wuhan", "gpe:wuhan"),
    ("Taipei", "gpe:taipei"),
    ("Veldhoven", "gpe:veldhoven"),
    ("São Paulo", "gpe:sao_paulo"),
    ("Zürich", "gpe:zurich"),
    ("Montréal", "gpe:montreal"),
    ("Hsinchu", "gpe:hsinchu"),
]
# (text, ref, org_type, jurisdiction)
AGENCIES = [
    ("Commerce Department", "org:us_commerce_department", "GOVERNMENT", "USA"),
    ("Bureau of Industry and Security", "org:bis", "GOVERNMENT", "USA"),
    ("Treasury Department", "org:us_treasury", "GOVERNMENT", "USA"),
    ("Ministry of Commerce", "org:mofcom", "GOVERNMENT", "CHN"),
    ("Ministry of Industry and Information Technology", "org:miit", "GOVERNMENT", "CHN"),
    ("Ministry of Economy, Trade and Industry", "org:meti", "GOVERNMENT", "JPN"),
    ("Dutch trade ministry", "org:nl_trade_ministry", "GOVERNMENT", "NLD"),
    ("European Commission", "org:european_commission", "INTERNATIONAL", "EU"),
]
COMPANIES = [
    ("Huawei", "org:huawei", "CHN"),
    ("SMIC", "org:smic", "CHN"),
    ("YMTC", "org:ymtc", "CHN"),
    ("CXMT", "org:cxmt", "CHN"),
    ("Hikvision", "org:hikvision", "CHN"),
    ("Nvidia", "org:nvidia", "USA"),
    ("AMD", "org:amd", "USA"),
    ("Applied Materials", "org:applied_materials", "USA"),
    ("Lam Research", "org:lam_research", "USA"),
    ("ASML", "org:asml", "NLD"),
    ("TSMC", "org:tsmc", "TWN"),
    ("Samsung", "org:samsung", "KOR"),
    ("SK Hynix", "org:sk_hynix", "KOR"),
    ("Tokyo Electron", "org:tokyo_electron", "JPN"),
    ("Infineon", "org:infineon", "DEU"),
]
OTHER_ORGS = [
    ("Xinhua", "org:xinhua", "STATE_MEDIA"),
    ("Global Times", "org:global_times", "STATE_MEDIA"),
    ("Reuters", "org:reuters", "MEDIA"),
    ("Bloomberg", "org:bloomberg", "MEDIA"),
    ("Congress", "org:us_congress", "LEGISLATURE"),
    ("Communist Party", "org:ccp", "PARTY"),
    ("People’s Liberation Army", "org:pla", "MILITARY"),
    ("Center for Strategic and International Studies", "org:csis", "RESEARCH"),
    ("Tsinghua University", "org:tsinghua", "RESEARCH"),
    ("World Trade Organization", "org:wto", "INTERNATIONAL"),
    ("Semiconductor Industry Association", "org:sia", "OTHER"),
]
# (name, ref, title before the name)
PEOPLE = [
    ("Gina Raimondo", "per:gina_raimondo", "Commerce Secretary"),
    ("Jake Sullivan", "per:jake_sullivan", "national security adviser"),
    ("Katherine Tai", "per:katherine_tai", "trade representative"),
    ("Alan Estevez", "per:alan_estevez", "Under Secretary"),
    ("Wang Wentao", "per:wang_wentao", "Commerce Minister"),
    ("Mao Ning", "per:mao_ning", "foreign ministry spokeswoman"),
    ("He Lifeng", "per:he_lifeng", "Vice Premier"),
    ("Jensen Huang", "per:jensen_huang", "chief executive"),
    ("Lisa Su", "per:lisa_su", "chief executive"),
    ("Peter Wennink", "per:peter_wennink", "former chief executive"),
    ("José Álvarez", "per:jose_alvarez", "trade lawyer"),
    ("Zoë Müller", "per:zoe_muller", "analyst"),
    ("François Lefèvre", "per:francois_lefevre", "economist"),
    ("Søren Østergaard", "per:soren_ostergaard", "researcher"),
    ("Renée Dupré", "per:renee_dupre", "lawmaker"),
    ("Nuño Ibáñez", "per:nuno_ibanez", "consultant"),
    ("Li Wei", "per:li_wei", "industry analyst"),
    ("Chen Yu", "per:chen_yu", "professor"),
    ("Park Ji-won", "per:park_ji_won", "trade official"),
    ("Sarah Okafor", "per:sarah_okafor", "senior fellow"),
]
NORPS = [
    ("Chinese", "norp:chinese"),
    ("American", "norp:american"),
    ("Japanese", "norp:japanese"),
    ("Dutch", "norp:dutch"),
    ("Korean", "norp:korean"),
    ("European", "norp:european"),
    ("Taiwanese", "norp:taiwanese"),
]
# (text, ISO 8601 norm or None)
DATES = [
    ("Tuesday", None),
    ("Friday", None),
    ("last year", None),
    ("next month", None),
    ("this week", None),
    ("October 2022", "2022-10"),
    ("March 5", None),
    ("January 2024", "2024-01"),
    ("2025", "2025"),
    ("the first quarter", None),
    ("December 1, 2023", "2023-12-01"),
    ("the past two years", "P2Y"),
    ("September", None),
]
TIMES = ["Tuesday evening", "early Friday", "late on Monday", "this morning"]
MONEY = ["$52.7 billion", "$39 billion", "€3.2 billion", "¥1.5 trillion", "$140 million"]
PERCENTS = ["13 per cent", "20%", "4.5 percent", "a third", "nearly 30 per cent"]
QUANTITIES = ["7 nanometres", "300 tonnes", "14 nanometres", "5,000 wafers a month"]
CARDINALS = ["36", "140", "two", "three", "dozens", "more than 200"]
ORDINALS = ["first", "second", "third"]
PRODUCTS = ["H20", "A100", "Ascend 910B", "Mate 60 Pro", "Kirin 9000S", "Twinscan NXE:3600D"]
LAWS = [
    "CHIPS and Science Act",
    "Export Control Law",
    "Foreign Direct Product Rule",
    "Anti-Foreign Sanctions Law",
    "Export Administration Regulations",
]
EVENTS = ["G7 summit", "Two Sessions", "World Artificial Intelligence Conference", "SEMICON West"]
FACS = ["Fab 18", "Port of Rotterdam", "Hsinchu Science Park", "Zhangjiang Hi-Tech Park"]
LOCS = ["Yangtze River Delta", "Silicon Valley", "Indo-Pacific", "Pearl River Delta", "Asia"]
WORKS = ["Chip War", "Made in China 2025", "The Chokepoint Report"]
LANGUAGES = ["Mandarin", "English"]

# measure type -> (trigger words, instruments, sectors, objects)
MEASURES = {
    "EXPORT_CONTROL": (
        ["export controls", "export restrictions", "licensing requirements"],
        ["licensing", "ban", "entity_listing"],
        ["semiconductors", "semiconductor_equipment", "ai", "hpc"],
        ["advanced AI chips", "chipmaking tools", "high-bandwidth memory", "lithography systems"],
    ),
    "SANCTION": (
        ["sanctions", "penalties", "restrictions"],
        ["entity_listing", "asset_freeze"],
        ["semiconductors", "telecom_5g", "tech_general"],
        ["chip suppliers", "telecom equipment makers", "surveillance firms"],
    ),
    "TARIFF": (
        ["tariffs", "duties", "levies"],
        ["duty_increase"],
        ["ev_batteries", "critical_minerals", "semiconductors"],
        ["electric vehicles", "legacy chips", "battery components"],
    ),
    "INVESTMENT_RESTRICTION": (
        ["investment curbs", "outbound investment rules", "screening rules"],
        ["outbound", "inbound_screening"],
        ["ai", "quantum", "semiconductors"],
        ["quantum computing start-ups", "AI developers", "chip design houses"],
    ),
    "PUBLIC_FUNDING": (
        ["subsidies", "grants", "state funding"],
        ["grant", "state_fund", "budget_increase"],
        ["semiconductors", "ai", "biotech"],
        ["domestic chip plants", "research laboratories", "memory fabs"],
    ),
    "IMPORT_RESTRICTION": (
        ["import bans", "import curbs"],
        ["ban", "quota"],
        ["semiconductors", "telecom_5g", "consumer_internet"],
        ["foreign memory chips", "network gear", "smartphone apps"],
    ),
    "REGULATORY_ACTION": (
        ["antitrust probe", "security review", "investigation"],
        ["probe", "fine"],
        ["semiconductors", "consumer_internet", "finance"],
        ["chip acquisitions", "cloud providers", "payment platforms"],
    ),
    "STOCKPILING": (
        ["stockpiling programme", "strategic reserve"],
        ["reserve_purchase"],
        ["critical_minerals", "food_agriculture", "energy"],
        ["gallium and germanium", "rare earths", "grain"],
    ),
}
STATUS_VERBS = {
    "considered": ["is considering", "is weighing", "has discussed"],
    "proposed": ["has proposed", "drafted", "put forward"],
    "announced": ["announced", "unveiled", "approved"],
    "implemented": ["began enforcing", "has imposed", "put into force"],
    "reported": ["has", "maintains"],
}

QUOTE_CONTENT = [
    "We will not allow our most advanced technology to be used against our security",
    "The rules are designed to protect national security, not to hold back any economy",
    "These measures will hurt global supply chains and the companies that depend on them",
    "Our customers still want our products, and we will keep serving them where we can",
    "The government is prepared to take all necessary measures to protect its interests",
    "It is a long game, and self-reliance in chips is now a matter of survival",
    "The industry needs clarity about what can be shipped and what cannot",
    "We expect the impact on our revenue this year to be limited",
    "Restrictions of this kind only accelerate the push for home-grown alternatives",
    "There is no going back to the way trade in technology worked ten years ago",
    "Allies have to move together or the controls will leak",
    "The subsidies are a down payment on a domestic industry that took decades to lose",
    "China firmly opposes the abuse of export control measures",
    "Companies are stockpiling equipment ahead of the deadline",
    "We are reviewing the new rules and will comply with all applicable laws",
    "The gap in advanced lithography will not close quickly",
]
MIXED_FRAGMENTS = [
    "a clear violation of market principles",
    "smart and targeted",
    "a wake-up call for the whole industry",
    "necessary but not sufficient",
    "economic coercion",
]
INDIRECT_CUES = ["said", "told reporters", "argued", "warned", "noted", "added", "said on a call"]

PLAIN = [
    "Analysts said the measures could reshape the semiconductor supply chain for years.",
    "The rules cover a wide range of products, from memory chips to the tools used to make them.",
    "Industry groups have lobbied for months for clearer guidance on what is allowed.",
    "Shipments of some equipment had already slowed before the announcement.",
    "Officials did not say how the restrictions would be enforced in practice.",
    "The decision follows a lengthy review of supply-chain risks in critical technologies.",
    "Some executives said they were still studying the details of the new rules.",
    "Chipmakers have been racing to build capacity at home in response.",
    "The move is likely to prompt retaliation, according to people familiar with the matter.",
    "Investors reacted cautiously, with technology stocks trading in a narrow range.",
    "Domestic suppliers are expected to benefit from the push for self-reliance.",
    "Critics say the controls are too broad and will harm companies’ research budgets.",
    "Supporters argue that the measures close loopholes left by earlier rules.",
    "The new regime includes exemptions for some existing contracts.",
    "Trade lawyers expect a wave of licence applications in the coming weeks.",
    "Neither side has signalled a willingness to return to the negotiating table.",
    "The policy is part of a broader effort to secure access to strategic materials.",
    "Customs data show that imports of lithography machines surged ahead of the deadline.",
]
# templates: {LABEL} or {GPE_ROLE} placeholders, filled with entities
FILLERS = [
    "Shares of {COMPANY} fell {PERCENT} in {CITY} on {DATE}.",
    "{COMPANY} said its revenue from {GPE_GPE} rose to {MONEY} in {DATE}.",
    "The {LAW} gives {AGENCY} broad powers to restrict shipments.",
    "{PERSON} is expected to raise the issue at the {EVENT} in {CITY}.",
    "{NORP} chipmakers have expanded production at {FAC}, where output reached {QUANTITY}.",
    "{COMPANY} has shipped its {PRODUCT} to customers in {GPE_LOC} since {DATE}.",
    "{GPE_GOV} has added {CARDINAL} companies to its restricted list since {DATE}.",
    "The {ORDINAL} round of rules, published {DATE}, targeted firms in the {LOC}.",
    "Researchers at {RESEARCH} estimate that the gap is about {CARDINAL} years.",
    "{COMPANY} plans to spend {MONEY} on a new plant near {CITY}.",
    "Demand for {PRODUCT} chips in {GPE_LOC} remains strong, {MEDIA} reported.",
    "In {GPE_POP}, the reaction was muted, with {NORP} commentators urging calm.",
    "{PERSON}, the {COMPANY} executive, visited {CITY} in {DATE}.",
    "The book {WORK} describes how {GPE_GPE}’s chip industry came to dominate the market.",
    "Documents written in {LANGUAGE} show that {COMPANY} sought the licences {DATE}.",
    "{AGENCY} officials met their {NORP} counterparts {TIME}.",
    "Exports of {PRODUCT} units to {GPE_LOC} dropped by {PERCENT} during {DATE}.",
    "{MEDIA} reported that {COMPANY} had stockpiled {QUANTITY} of chips.",
]
EMOJI_FILLER = "{COMPANY} shares jumped {PERCENT} {EMOJI} after the news on {DATE}."
NOISE_HEAD = [
    ("image_credit", "PHOTO: REUTERS"),
    ("crawl_metadata", "date 2023-03-06"),
    ("site_boilerplate", "See more on Tech"),
]
NOISE_TAIL = [
    ("promo", "Sign up for our daily newsletter on technology and trade."),
    ("agency_tag", "REUTERS"),
    ("repost_banner", "Original Source Here"),
    ("widget", "%d bloggers like this:"),
]
PUBLISHERS = ["Synthetic Wire", "Bench Daily", "The Example Post", "Tech Policy Synthetic"]
TEXT_LENGTH = (4400, 5000)
ENTITY_COUNT = (34, 42)


# -- building text and spans together -----------------------------------------------------------
class Builder:
    """Appends text piece by piece, recording each span's code-point offsets as it goes."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.parts: list[str] = []
        self.pos = 0
        self.noise: list[dict] = []
        self.entities: list[dict] = []
        self.quotes: list[dict] = []
        self.measures: list[dict] = []

    def add(self, text: str) -> dict:
        span = {"start": self.pos, "end": self.pos + len(text), "text": text}
        self.parts.append(text)
        self.pos += len(text)
        return span

    def text(self) -> str:
        return "".join(self.parts)

    def add_noise(self, kind: str, text: str) -> None:
        span = self.add(text)
        self.noise.append({"id": f"N{len(self.noise) + 1}", "kind": kind, **span})

    def entity(self, label: str, text: str, **attributes) -> dict:
        span = self.add(text)
        entity = {"id": f"E{len(self.entities) + 1}", "label": label, **span}
        entity.update((k, v) for k, v in attributes.items() if v is not None)
        self.entities.append(entity)
        return entity

    # entities of each kind, drawn from the vocabulary
    def placeholder(self, name: str) -> dict | None:
        rng = self.rng
        if name.startswith("GPE_"):
            text, ref, _ = rng.choice(GPES)
            return self.entity("GPE", text, ref=ref, gpe_role=name[4:])
        if name == "CITY":
            text, ref = rng.choice(CITIES)
            return self.entity("GPE", text, ref=ref, gpe_role="LOC")
        if name == "COMPANY":
            text, ref, _ = rng.choice(COMPANIES)
            return self.entity("ORG", text, ref=ref, org_type="COMPANY")
        if name == "AGENCY":
            text, ref, org_type, _ = rng.choice(AGENCIES)
            return self.entity("ORG", text, ref=ref, org_type=org_type)
        if name in ("MEDIA", "RESEARCH"):
            options = [
                o for o in OTHER_ORGS if o[2] == name or (name == "MEDIA" and "MEDIA" in o[2])
            ]
            text, ref, org_type = rng.choice(options)
            return self.entity("ORG", text, ref=ref, org_type=org_type)
        if name == "PERSON":
            text, ref, _ = rng.choice(PEOPLE)
            return self.entity("PERSON", text, ref=ref)
        if name == "NORP":
            text, ref = rng.choice(NORPS)
            return self.entity("NORP", text, ref=ref)
        if name == "DATE":
            text, norm = rng.choice(DATES)
            return self.entity("DATE", text, norm=norm)
        if name == "EMOJI":
            self.add(rng.choice(EMOJI))
            return None
        simple = {
            "TIME": TIMES,
            "MONEY": MONEY,
            "PERCENT": PERCENTS,
            "QUANTITY": QUANTITIES,
            "CARDINAL": CARDINALS,
            "ORDINAL": ORDINALS,
            "PRODUCT": PRODUCTS,
            "LAW": LAWS,
            "EVENT": EVENTS,
            "FAC": FACS,
            "LOC": LOCS,
            "WORK": WORKS,
            "LANGUAGE": LANGUAGES,
        }
        label = "WORK_OF_ART" if name == "WORK" else name
        return self.entity(label, rng.choice(simple[name]))

    def template(self, template: str) -> None:
        for i, piece in enumerate(_split_template(template)):
            if i % 2:
                self.placeholder(piece)
            elif piece:
                self.add(piece)

    # -- one quote sentence -------------------------------------------------------------------
    def quote(self, emoji: bool) -> None:
        rng = self.rng
        qid = f"Q{len(self.quotes) + 1}"
        words = rng.choice(QUOTE_CONTENT) + (" " + rng.choice(EMOJI) if emoji else "")
        person = rng.random() < 0.75
        if person:
            name, ref, title = rng.choice(PEOPLE)
        else:
            name, ref, org_type = rng.choice([o for o in OTHER_ORGS if o[2] != "MEDIA"])
        form = rng.choice(("direct", "indirect", "mixed", "according"))
        channel = None

        def source() -> tuple[dict, dict]:
            if person:
                start = self.pos
                self.add(title + " ")
                speaker = self.entity("PERSON", name, ref=ref)
                return {"start": start, "end": self.pos, "text": self.text()[start:]}, speaker
            speaker = self.entity("ORG", name, ref=ref, org_type=org_type)
            return {k: speaker[k] for k in ("start", "end", "text")}, speaker

        if form == "direct":
            content = self.add(f"“{words},”")
            self.add(" ")
            cue = self.add(rng.choice(("said", "added")))
            self.add(" ")
            src, speaker = source()
            self.add(".")
        elif form == "indirect":
            src, speaker = source()
            self.add(" ")
            cue = self.add(rng.choice(INDIRECT_CUES))
            self.add(" that ")
            content = self.add(words[0].lower() + words[1:])
            self.add(".")
        elif form == "mixed":
            src, speaker = source()
            self.add(" ")
            cue = self.add(rng.choice(("called", "described")))
            self.add(" ")
            content = self.add(
                f"the rules {rng.choice(('as', 'as being'))} “{rng.choice(MIXED_FRAGMENTS)}”"
            )
            self.add(".")
        else:
            content = self.add(words)
            self.add(", ")
            cue = self.add("according to")
            self.add(" ")
            src, speaker = source()
            if rng.random() < 0.5:
                self.add(", as reported by ")
                text, mref, morg = rng.choice([o for o in OTHER_ORGS if "MEDIA" in o[2]])
                medium = self.entity("ORG", text, ref=mref, org_type=morg)
                channel = {
                    **{k: medium[k] for k in ("start", "end", "text")},
                    "entity_ids": [medium["id"]],
                }
            self.add(".")
        quote = {
            "id": qid,
            "type": "direct" if form == "direct" else "mixed" if form == "mixed" else "indirect",
            "content": [content],
            "cue": cue,
            "source": src,
            "speaker_ids": [speaker["id"]],
            "speaker_text": speaker["text"],
        }
        if channel is not None:
            quote["channel"] = channel
        quote["flags"] = ["speaker_uncertain"] if rng.random() < 0.1 else []
        self.quotes.append(quote)

    # -- one measure sentence -----------------------------------------------------------------
    def measure(self) -> None:
        rng = self.rng
        mtype = rng.choice(sorted(MEASURES))
        triggers, instruments, sectors, objects = MEASURES[mtype]
        status = rng.choice(sorted(STATUS_VERBS))
        if rng.random() < 0.6:
            text, ref, jurisdiction = rng.choice(GPES)
            actor = self.entity("GPE", text, ref=ref, gpe_role="GOV")
        else:
            text, ref, org_type, jurisdiction = rng.choice(AGENCIES)
            self.add("The ")
            actor = self.entity("ORG", text, ref=ref, org_type=org_type)
        self.add(f" {rng.choice(STATUS_VERBS[status])} ")
        scope_start = self.pos
        self.add("new ")
        trigger = self.add(rng.choice(triggers))
        self.add(f" on {rng.choice(objects)}")
        scope = {"start": scope_start, "end": self.pos, "text": self.text()[scope_start:]}
        self.add(" that would hit ")
        ttext, tref, tjur = rng.choice(COMPANIES)
        target = self.entity("ORG", ttext, ref=tref, org_type="COMPANY")
        self.add(" from ")
        dtext, norm = rng.choice(DATES)
        date = self.entity("DATE", dtext, norm=norm)
        magnitude = []
        if rng.random() < 0.5:
            self.add(", a package worth ")
            magnitude.append(self.entity("MONEY", rng.choice(MONEY))["id"])
        self.add(".")
        measure = {
            "id": f"M{len(self.measures) + 1}",
            "type": mtype,
            "instrument": rng.choice(instruments),
            "trigger": trigger,
            "scope": scope,
            "status": status,
            "specificity": rng.choice(("specific", "generic")),
            "actor_ids": [actor["id"]],
            "actor_text": actor["text"],
            "actor_jurisdiction": jurisdiction,
            "target_ids": [target["id"]],
            "target_text": ttext,
            "target_jurisdictions": [tjur],
            "sectors": sorted(rng.sample(sectors, rng.randint(1, 2))),
            "time": [{"entity_id": date["id"], "role": rng.choice(("announced", "start"))}],
            "magnitude_ids": magnitude,
        }
        self.measures.append(measure)


def _split_template(template: str) -> list[str]:
    """'a {X} b' -> ['a ', 'X', ' b']: literal text at even positions, placeholders at odd."""
    out, rest = [], template
    while "{" in rest:
        head, tail = rest.split("{", 1)
        name, rest = tail.split("}", 1)
        out += [head, name]
    return [*out, rest]


# -- one document -------------------------------------------------------------------------------
@dataclass
class Doc:
    doc_id: str
    text: str
    meta: dict
    gold: dict


def doc_id_of(index: int) -> str:
    return f"bench-{index + 1:07d}"


def make_document(seed: int, index: int, cluster: str) -> Doc:
    rng = random.Random(f"{seed}:{index}")
    doc_id = doc_id_of(index)
    b = Builder(rng)
    emoji = index % 3 == 0
    noise_count = rng.choice((0, 0, 1, 1, 2))
    tail_noise = noise_count == 2 or (noise_count == 1 and rng.random() < 0.5)
    if noise_count - tail_noise:
        b.add_noise(*rng.choice(NOISE_HEAD))
        b.add("\n\n")
    target_length = rng.randint(*TEXT_LENGTH)
    target_entities = rng.randint(*ENTITY_COUNT)
    specials = ["quote"] * rng.randint(3, 7) + ["measure"] * rng.randint(3, 7)
    rng.shuffle(specials)
    emoji_quote = emoji and rng.random() < 0.5
    in_paragraph = 0
    until_special = rng.randint(0, 2)
    while specials or b.pos < target_length:
        if in_paragraph:
            b.add(" ")
        if specials and until_special == 0:
            kind = specials.pop()
            if kind == "quote":
                b.quote(emoji_quote)
                emoji_quote = False
            else:
                b.measure()
            until_special = rng.randint(1, 3)
        else:
            until_special -= 1
            on_track = len(b.entities) >= target_entities * b.pos / target_length
            if emoji and not emoji_quote and rng.random() < 0.3:
                b.template(EMOJI_FILLER)
                emoji = False
            elif on_track:
                b.add(rng.choice(PLAIN))
            else:
                b.template(rng.choice(FILLERS))
        in_paragraph += 1
        if in_paragraph >= rng.randint(2, 5):
            b.add("\n\n")
            in_paragraph = 0
    if in_paragraph:
        b.add("\n\n")
    if tail_noise:
        b.add_noise(*rng.choice(NOISE_TAIL))
    b.add("\n")
    text = b.text()
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()

    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    publisher = rng.choice(PUBLISHERS)
    first = b.measures[0] if b.measures else None
    title = (
        f"{first['actor_text']} weighs {first['trigger']['text']} as tech rivalry deepens"
        if first
        else "Chip rivalry deepens"
    )
    meta = {
        "schema_version": 1,
        "doc_id": doc_id,
        "title": title,
        "publisher": publisher,
        "original_publisher": publisher,
        "url": f"https://bench.example/news/{doc_id}",
        "published": f"{year:04d}-{month:02d}-{day:02d}",
        "date_confidence": rng.choice(("high", "high", "medium", "low")),
        "language": "en",
        "text_condition": "syndicated_copy" if b.noise else "original",
        "story_cluster": cluster,
        "split": assign_split(cluster),
        "rights": "Synthetic benchmark text generated by benchmarks/generate.py; no rights "
        "attach to it.",
        "text_sha256": sha,
        "provenance_notes": "Synthetic document for benchmarks (benchmarks/generate.py, seed "
        f"{seed}); not a real article. Never committed.",
    }

    def layer(items: list[dict]) -> dict:
        return {"annotator": ANNOTATOR, "origin": "human", "items": items}

    gold = {
        "schema_version": 1,
        "doc_id": doc_id,
        "text_sha256": sha,
        "layers": {
            "noise": layer(b.noise),
            "entities": layer(b.entities),
            "quotes": layer(b.quotes),
            "measures": layer(b.measures),
        },
    }
    return Doc(doc_id, text, meta, gold)


def dump(data: object) -> bytes:
    """JSON as the project writes it: two-space indent, UTF-8, final newline."""
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def files_of(doc: Doc) -> dict[str, bytes]:
    return {
        f"raw/{doc.doc_id}.txt": doc.text.encode("utf-8"),
        f"raw/{doc.doc_id}.meta.json": dump(doc.meta),
        f"annotations/{doc.doc_id}.json": dump(doc.gold),
    }


# -- injected errors ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ErrorKind:
    """One way of breaking a document: `inject` returns its files and the file to blame."""

    name: str
    code: str
    inject: Callable[[Doc], tuple[dict[str, bytes], str]]


def _meta(doc: Doc) -> str:
    return f"raw/{doc.doc_id}.meta.json"


def _gold(doc: Doc) -> str:
    return f"annotations/{doc.doc_id}.json"


def _txt(doc: Doc) -> str:
    return f"raw/{doc.doc_id}.txt"


def _edit(path_of, change):
    """Change the parsed meta or gold of the document, then write it as usual."""

    def inject(doc: Doc) -> tuple[dict[str, bytes], str]:
        change(doc)
        return files_of(doc), path_of(doc)

    return inject


def _bytes(path_of, change):
    """Change the bytes of one written file."""

    def inject(doc: Doc) -> tuple[dict[str, bytes], str]:
        files = files_of(doc)
        files[path_of(doc)] = change(files[path_of(doc)])
        return files, path_of(doc)

    return inject


def _first_half(data: bytes) -> bytes:
    """The first half of a UTF-8 file, cut between characters: a cut inside one is reported,
    rightly, as invalid UTF-8 (another kind of error)."""
    text = data.decode("utf-8")
    return text[: len(text) // 2].encode("utf-8")


def _items(doc: Doc, kind: str) -> list[dict]:
    return doc.gold["layers"][kind]["items"]


def _entity(doc: Doc, label: str | None = None, where=None) -> dict:
    for entity in _items(doc, "entities"):
        if (label is None or entity["label"] == label) and (where is None or where(entity)):
            return entity
    raise LookupError(f"{doc.doc_id} has no suitable {label} entity")


def _unreferenced(doc: Doc) -> dict:
    """An entity nothing points to (so changing it breaks nothing else)."""
    used = set()
    for quote in _items(doc, "quotes"):
        used.update(quote["speaker_ids"])
        used.update(quote.get("channel", {}).get("entity_ids", []))
    for measure in _items(doc, "measures"):
        for field in ("actor_ids", "target_ids", "magnitude_ids"):
            used.update(measure[field])
        used.update(t["entity_id"] for t in measure["time"])
    return _entity(doc, where=lambda e: e["id"] not in used)


def _set_hash(doc: Doc, data: bytes) -> None:
    doc.meta["text_sha256"] = doc.gold["text_sha256"] = hashlib.sha256(data).hexdigest()


def _invalid_text(doc: Doc) -> tuple[dict[str, bytes], str]:
    """A byte that is not UTF-8 in the raw text; the hashes follow it, so it is the only fault."""
    data = doc.text.encode("utf-8")
    at = data.index(b" ", len(data) // 2)
    data = data[:at] + b"\xff" + data[at + 1 :]
    _set_hash(doc, data)
    files = files_of(doc)
    files[_txt(doc)] = data
    return files, _txt(doc)


def _text_changed(doc: Doc) -> tuple[dict[str, bytes], str]:
    """The raw text edited after annotation (same length): its hash no longer matches."""
    files = files_of(doc)
    data = files[_txt(doc)]
    at = data.index(b"e", len(data) // 3)
    files[_txt(doc)] = data[:at] + b"a" + data[at + 1 :]
    return files, _meta(doc)


def _span_text(doc: Doc) -> None:
    entity = _unreferenced(doc)
    entity["text"] = entity["text"][:-1] + ("x" if entity["text"][-1] != "x" else "y")


def _span_whitespace(doc: Doc) -> None:
    entity = _unreferenced_where(doc, lambda e: doc.text[e["end"]] == " ")
    entity["end"] += 1
    entity["text"] += " "


def _unreferenced_where(doc: Doc, where) -> dict:
    try:
        return _entity(doc, where=where)
    except LookupError:
        return _unreferenced(doc)


def _entity_overlap(doc: Doc) -> None:
    entities = _items(doc, "entities")
    try:
        original = _unreferenced(doc)
    except LookupError:  # every entity is referenced: a twin of one breaks nothing either
        original = entities[0]
    entities.append(dict(original, id=f"E{len(entities) + 1}"))


def _noise_overlap(doc: Doc) -> None:
    entity = _unreferenced(doc)
    noise = _items(doc, "noise")
    noise.append(
        {"id": f"N{len(noise) + 1}", "kind": "promo"}
        | {k: entity[k] for k in ("start", "end", "text")}
    )


def _provenance(doc: Doc) -> None:
    doc.gold["layers"]["entities"]["origin"] = "prediction"
    doc.gold["layers"]["entities"]["model"] = "bench-tagger"


def _extra_file(rel_of, content_of):
    def inject(doc: Doc) -> tuple[dict[str, bytes], str]:
        files = files_of(doc)
        files[rel_of(doc)] = content_of(doc, files)
        return files, rel_of(doc)

    return inject


class Outside(bytes):
    """A file's bytes to be written outside the corpus, the corpus holding a symbolic link."""


def _linked_outside(path_of):
    def inject(doc: Doc) -> tuple[dict[str, bytes], str]:
        files = files_of(doc)
        files[path_of(doc)] = Outside(files[path_of(doc)])
        return files, path_of(doc)

    return inject


def _without(path_of, blamed_of):
    def inject(doc: Doc) -> tuple[dict[str, bytes], str]:
        files = files_of(doc)
        del files[path_of(doc)]
        return files, blamed_of(doc)

    return inject


def _orphan(doc: Doc, files: dict[str, bytes]) -> bytes:
    gold = json.loads(files[_gold(doc)])
    gold["doc_id"] = doc.doc_id + "-orphan"
    return dump(gold)


def _layer_of_other(doc: Doc, files: dict[str, bytes]) -> bytes:
    gold = json.loads(files[_gold(doc)])
    for layer in gold["layers"].values():
        layer["annotator"] = "someone-else"
    return dump(gold)


def _straddle(doc: Doc) -> tuple[dict[str, bytes], str]:
    """A second document of the same story cluster in another split."""
    files = files_of(doc)
    twin = Doc(doc.doc_id + "-twin", doc.text, dict(doc.meta), json.loads(dump(doc.gold)))
    twin.meta["doc_id"] = twin.gold["doc_id"] = twin.doc_id
    twin.meta["split"] = next(s for s in ("train", "test") if s != doc.meta["split"])
    files.update(files_of(twin))
    return files, _meta(doc)


def _appended_entity(suffix: str, end: int):
    """Append `suffix` to the raw text (the hashes following it) and an ORG entity over its
    first `end` code points: a fault at a span's edge that no other check sees."""

    def change(doc: Doc) -> None:
        start = len(doc.text)
        doc.text += suffix
        _set_hash(doc, doc.text.encode("utf-8"))
        entities = _items(doc, "entities")
        entities.append(
            {"id": f"E{len(entities) + 1}", "label": "ORG", "start": start, "end": start + end}
            | {"text": suffix[:end], "ref": "org:appended"}
        )

    return change


def _actor_as_target(doc: Doc) -> None:
    measure = next(m for m in _items(doc, "measures") if m["actor_ids"])
    measure["target_ids"] = [*measure["target_ids"], measure["actor_ids"][0]]


def _set(path_of, getter, value):
    return _edit(path_of, lambda doc: getter(doc).__setitem__(*value(doc)))


CATALOGUE: list[ErrorKind] = [
    ErrorKind(
        "malformed JSON", "json-syntax", _bytes(_meta, lambda b: b.replace(b'",\n', b'"\n', 1))
    ),
    ErrorKind("truncated file", "json-truncated", _bytes(_gold, _first_half)),
    ErrorKind("UTF-8 BOM", "utf8-bom", _bytes(_meta, lambda b: b"\xef\xbb\xbf" + b)),
    ErrorKind(
        "invalid UTF-8 in JSON",
        "utf8-invalid",
        _bytes(_gold, lambda b: b.replace(b'"human"', b'"hum\xffn"', 1)),
    ),
    ErrorKind("invalid UTF-8 in raw text", "utf8-invalid", _invalid_text),
    ErrorKind(
        "wrong type",
        "schema-type",
        _edit(_gold, lambda d: _items(d, "entities")[0].__setitem__("start", "0")),
    ),
    ErrorKind(
        "unknown entity label",
        "schema-unknown-value",
        _edit(_gold, lambda d: _items(d, "entities")[0].__setitem__("label", "COUNTRY")),
    ),
    ErrorKind(
        "unknown measure status",
        "schema-unknown-value",
        _edit(_gold, lambda d: _items(d, "measures")[0].__setitem__("status", "rumoured")),
    ),
    ErrorKind(
        "missing required field",
        "schema-required",
        _edit(_gold, lambda d: _items(d, "quotes")[0].pop("speaker_text")),
    ),
    ErrorKind(
        "missing meta field", "schema-required", _edit(_meta, lambda d: d.meta.pop("published"))
    ),
    ErrorKind(
        "unknown field",
        "schema-unknown-field",
        _edit(_gold, lambda d: _items(d, "entities")[0].__setitem__("confidence", 0.9)),
    ),
    ErrorKind(
        "wrong schema version",
        "schema-value",
        _edit(_meta, lambda d: d.meta.__setitem__("schema_version", 2)),
    ),
    ErrorKind(
        "impossible date",
        "schema-format",
        _edit(_meta, lambda d: d.meta.__setitem__("published", "2024-02-30")),
    ),
    ErrorKind(
        "unsafe doc id in a file",
        "schema-pattern",
        _edit(_meta, lambda d: d.meta.__setitem__("doc_id", "../x")),
    ),
    ErrorKind(
        "empty speaker text",
        "schema-minLength",
        _edit(_gold, lambda d: _items(d, "quotes")[0].__setitem__("speaker_text", "")),
    ),
    ErrorKind(
        "negative offset",
        "schema-minimum",
        _edit(_gold, lambda d: _items(d, "entities")[0].__setitem__("start", -1)),
    ),
    ErrorKind(
        "quote without content",
        "schema-minItems",
        _edit(_gold, lambda d: _items(d, "quotes")[0].__setitem__("content", [])),
    ),
    ErrorKind(
        "repeated sector",
        "schema-uniqueItems",
        _edit(_gold, lambda d: (s := _items(d, "measures")[0]["sectors"]).append(s[0])),
    ),
    ErrorKind(
        "offset past the end",
        "span-bounds",
        _edit(_gold, lambda d: _unreferenced(d).__setitem__("end", len(d.text) + 100)),
    ),
    ErrorKind(
        "start equals end",
        "span-order",
        _edit(_gold, lambda d: (e := _unreferenced(d)).__setitem__("end", e["start"])),
    ),
    ErrorKind("span text mismatch", "span-text", _edit(_gold, _span_text)),
    ErrorKind("span with trailing white space", "span-whitespace", _edit(_gold, _span_whitespace)),
    ErrorKind("raw text changed after annotation", "text-hash", _text_changed),
    ErrorKind(
        "dangling reference",
        "dangling-reference",
        _edit(_gold, lambda d: _items(d, "quotes")[0]["speaker_ids"].__setitem__(0, "E999")),
    ),
    ErrorKind(
        "time of the wrong label",
        "reference-label",
        _edit(
            _gold,
            lambda d: _items(d, "measures")[0]["time"][0].__setitem__(
                "entity_id", _items(d, "measures")[0]["target_ids"][0]
            ),
        ),
    ),
    ErrorKind("overlapping entities", "entity-overlap", _edit(_gold, _entity_overlap)),
    ErrorKind("annotation overlapping noise", "noise-overlap", _edit(_gold, _noise_overlap)),
    ErrorKind(
        "duplicate ids",
        "duplicate-id",
        _edit(_gold, lambda d: _items(d, "quotes")[1].__setitem__("id", "Q1")),
    ),
    ErrorKind(
        "entity without its required attribute",
        "missing-attribute",
        _edit(_gold, lambda d: _entity(d, "ORG").pop("ref")),
    ),
    ErrorKind(
        "gpe_role on an ORG",
        "attribute-label",
        _edit(_gold, lambda d: _entity(d, "ORG").__setitem__("gpe_role", "GOV")),
    ),
    ErrorKind(
        "ref with the wrong prefix",
        "ref-prefix",
        _edit(_gold, lambda d: _entity(d, "ORG").__setitem__("ref", "gpe:somewhere")),
    ),
    ErrorKind("prediction presented as gold", "layer-provenance", _edit(_gold, _provenance)),
    ErrorKind(
        "doc_id differs from the file name",
        "doc-id-mismatch",
        _edit(_gold, lambda d: d.gold.__setitem__("doc_id", "bench-other")),
    ),
    ErrorKind(
        "annotation for a missing raw document",
        "orphan-annotation",
        _extra_file(lambda d: f"annotations/{d.doc_id}-orphan.json", _orphan),
    ),
    ErrorKind("raw text without provenance", "missing-meta", _without(_meta, _meta)),
    ErrorKind("provenance without raw text", "missing-text", _without(_txt, _txt)),
    ErrorKind("raw text linked outside the corpus", "outside-corpus", _linked_outside(_txt)),
    ErrorKind(
        "stray file in raw/",
        "unexpected-file",
        _extra_file(lambda d: f"raw/{d.doc_id}.notes.md", lambda d, f: b"notes\n"),
    ),
    ErrorKind(
        "unsafe doc id as a file name",
        "unsafe-id",
        _extra_file(lambda d: f"raw/{d.doc_id.upper()}.txt", lambda d, f: f[_txt(d)]),
    ),
    ErrorKind(
        "layer annotator differs from its directory",
        "annotator-mismatch",
        _extra_file(lambda d: f"annotations/layers/{ANNOTATOR}/{d.doc_id}.json", _layer_of_other),
    ),
    ErrorKind("story cluster straddling splits", "split-straddle", _straddle),
    # acceptances decided (issue 22, item 6)
    ErrorKind(
        "span ending before a combining accent",
        "span-grapheme",
        _edit(_gold, _appended_entity("Cafe\u0301 Nero\n", 4)),
    ),
    ErrorKind(
        "span ending with a zero-width space",
        "span-invisible",
        _edit(_gold, _appended_entity("Huawei\u200b\n", 7)),
    ),
    ErrorKind(
        "norm that is no date",
        "norm-value",
        _edit(_gold, lambda d: _entity(d, "DATE").__setitem__("norm", "9999-99-99")),
    ),
    ErrorKind(
        "quote whose cue is its content",
        "quote-part-overlap",
        _edit(_gold, lambda d: (q := _items(d, "quotes")[0]).__setitem__("cue", q["content"][0])),
    ),
    ErrorKind(
        "quote content listed twice",
        "quote-content-repeated",
        _edit(_gold, lambda d: (c := _items(d, "quotes")[0]["content"]).append(dict(c[0]))),
    ),
    ErrorKind(
        "measure whose actor is its target", "actor-is-target", _edit(_gold, _actor_as_target)
    ),
    # JSON that every reader would not read alike (tsr_news.checks.jsonfile)
    ErrorKind("null metadata file", "json-top-type", _bytes(_meta, lambda b: b"null\n")),
    ErrorKind(
        "duplicate key",
        "json-duplicate-key",
        _bytes(
            _gold,
            lambda b: b.replace(
                b'"schema_version": 1', b'"schema_version": 1, "schema_version": 1', 1
            ),
        ),
    ),
    ErrorKind(
        "whole number written as a fraction",
        "json-not-integer",
        _edit(
            _gold,
            lambda d: _items(d, "entities")[0].__setitem__(
                "start", 1.0 * _items(d, "entities")[0]["start"]
            ),
        ),
    ),
    ErrorKind(
        "integer of 5,000 digits",
        "json-number-digits",
        _bytes(
            _gold,
            lambda b: b.replace(b'"schema_version": 1', b'"schema_version": 1' + b"0" * 4999, 1),
        ),
    ),
    ErrorKind(
        "number beyond a float's range",
        "json-number-range",
        _bytes(_gold, lambda b: b.replace(b'"schema_version": 1', b'"schema_version": 1e400', 1)),
    ),
    ErrorKind(
        "lone surrogate escape",
        "json-surrogate",
        _bytes(_meta, lambda b: b.replace(b'"title": "', b'"title": "\\ud800', 1)),
    ),
    ErrorKind(
        "nesting past the limit",
        "json-depth",
        _bytes(
            _gold,
            lambda b: b.replace(
                b'"schema_version": 1', b'"schema_version": %s1%s' % (b"[" * 100, b"]" * 100), 1
            ),
        ),
    ),
]


# -- the corpus ---------------------------------------------------------------------------------
def clusters(seed: int, docs: int) -> list[str]:
    """The story cluster of each document: consecutive runs of 1-4 documents."""
    rng = random.Random(f"{seed}:clusters")
    out: list[str] = []
    while len(out) < docs:
        size = rng.choices((1, 2, 3, 4), weights=(4, 3, 2, 1))[0]
        out += [f"bench-story-{len(out) + 1:07d}"] * size
    return out[:docs]


def error_plan(seed: int, docs: int, rate: float) -> dict[int, int]:
    """Which documents get an error: index -> position in CATALOGUE (kinds taken in turn)."""
    count = round(rate * docs)
    chosen = sorted(random.Random(f"{seed}:errors").sample(range(docs), count))
    return {index: i % len(CATALOGUE) for i, index in enumerate(chosen)}


def _write_chunk(
    task: tuple[Path, int, list[tuple[int, str, int | None]]],
) -> tuple[list, int, int]:
    out, seed, items = task
    injected, files_written, total = [], 0, 0
    for index, cluster, kind in items:
        doc = make_document(seed, index, cluster)
        if kind is None:
            files = files_of(doc)
        else:
            error = CATALOGUE[kind]
            files, blamed = error.inject(doc)
            injected.append(
                {"doc_id": doc.doc_id, "kind": error.name, "path": blamed, "code": error.code}
            )
        for rel, data in files.items():
            path = out / rel
            if "/layers/" in rel:
                path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Outside):  # written beside the corpus, linked from inside it
                target = out.parent / f"{out.name}.outside" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                path.symlink_to(target)
            else:
                path.write_bytes(data)
            files_written += 1
            total += len(data)
    return injected, files_written, total


def generator_hash() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def parameters(docs: int, seed: int, error_rate: float) -> dict:
    return {"docs": docs, "seed": seed, "error_rate": error_rate, "generator": generator_hash()}


def is_cached(out: Path, docs: int, seed: int, error_rate: float) -> bool:
    """Whether `out` already holds a complete corpus made with these parameters."""
    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("complete") is True and stamp.get("parameters") == parameters(
        docs, seed, error_rate
    )


def generate(
    out: Path, docs: int, seed: int = 0, error_rate: float = 0.0, jobs: int | None = None
) -> dict:
    """Write the corpus to `out` (replacing a corpus this generator wrote there before)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not (out / STAMP).is_file():
        raise SystemExit(f"generate: {out} is not empty and holds no {STAMP}; refusing to touch it")
    for name in ("raw", "annotations"):
        shutil.rmtree(out / name, ignore_errors=True)
    for name in (STAMP, ERRORS):
        (out / name).unlink(missing_ok=True)
    (out / "raw").mkdir(parents=True)
    (out / "annotations").mkdir()
    (out / STAMP).write_text(json.dumps({"complete": False}) + "\n", encoding="utf-8")

    plan = error_plan(seed, docs, error_rate)
    members = clusters(seed, docs)
    items = [(i, members[i], plan.get(i)) for i in range(docs)]
    chunk = 250
    tasks = [(out, seed, items[i : i + chunk]) for i in range(0, docs, chunk)]
    jobs = jobs or os.cpu_count() or 1
    injected, files, total = [], 0, 0
    if jobs == 1 or len(tasks) == 1:
        results = map(_write_chunk, tasks)
        for found, n, size in results:
            injected += found
            files += n
            total += size
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for found, n, size in pool.imap(_write_chunk, tasks):
                injected += found
                files += n
                total += size
    (out / ERRORS).write_text(json.dumps(injected, indent=2) + "\n", encoding="utf-8")
    summary = {"documents": docs, "files": files, "bytes": total, "errors": len(injected)}
    stamp = {"complete": True, "parameters": parameters(docs, seed, error_rate), **summary}
    (out / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="corpus directory to write")
    parser.add_argument("--docs", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--error-rate", type=float, default=0.0, help="fraction of documents given one error"
    )
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: all cores)")
    args = parser.parse_args(argv)
    if not 0 <= args.error_rate <= 1:
        parser.error("--error-rate must be between 0 and 1")
    summary = generate(args.out, args.docs, args.seed, args.error_rate, args.jobs)
    print(
        f"generate: {summary['documents']} document(s), {summary['files']} file(s), "
        f"{summary['bytes'] / 1e6:.1f} MB, {summary['errors']} injected error(s) -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
