"""Write N realistic synthetic seed files, deterministically for a given seed.

Each file is one YAML front-matter block between two ``---`` lines, shaped like
the real seed in ``seeds/``: varied providers (``webUrl`` and ``originalUrl``
hosts within ``provider.domain``), headlines and excerpts of realistic and
varied lengths (sometimes non-ASCII), RFC 3339 dates with ``Z`` or ``±hh:mm``
offsets in 2015-2025, 1-5 topics, 0-3 images, 0-8 related articles (about half
with an AMP URL and its correct AMP cache URL) and a ``secured`` payload.
Every generated seed lints clean with ``seedlint check``: no finding at all, so
every URL is https (seedlint warns about http ones, U008), although
:func:`amp_cache_url` also knows the ``/c/`` form of an http AMP page.

Usage::

    python benchmarks/generate_seeds.py --count 10000 --out /tmp/corpus/seeds \
        --yaml-copies /tmp/corpus/yaml --seed 1

``--yaml-copies DIR`` also writes, for each seed, ``<name>.yaml`` holding just
the front-matter body: what ``check-jsonschema`` needs, since it cannot read
front matter.
"""

# Non-ASCII headlines, names and URLs are the point of this data; none is a typo.
# ruff: noqa: RUF001
from __future__ import annotations

import argparse
import base64
import json
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path


@dataclass(frozen=True)
class Provider:
    """A publisher: display name, registered domain and the hosts it serves articles from."""

    name: str
    domain: str
    hosts: tuple[str, ...]
    image_hosts: tuple[str, ...]


# Hosts are ASCII, short and never have '-' among their first four characters,
# so their AMP cache prefix is the plain "'-' doubled, '.' as '-'" form (no hashing,
# no 0-…-0 wrapping).
PROVIDERS: tuple[Provider, ...] = (
    Provider("New York Times", "nytimes.com", ("www.nytimes.com",), ("static01.nyt.com",)),
    Provider("NBC News", "nbcnews.com", ("www.nbcnews.com",), ("media12.s-nbcnews.com",)),
    Provider("Wall Street Journal", "wsj.com", ("www.wsj.com",), ("images.wsj.net",)),
    Provider("AL.com", "al.com", ("www.al.com",), ("www.al.com",)),
    Provider(
        "Biometric Companies",
        "biometricupdate.com",
        ("www.biometricupdate.com",),
        ("d1sr9z1pdl3mb7.cloudfront.net",),
    ),
    Provider("BBC News", "bbc.co.uk", ("www.bbc.co.uk", "news.bbc.co.uk"), ("ichef.bbci.co.uk",)),
    Provider("The Guardian", "theguardian.com", ("www.theguardian.com",), ("i.guim.co.uk",)),
    Provider(
        "Reuters", "reuters.com", ("www.reuters.com", "uk.reuters.com"), ("s1.reutersmedia.net",)
    ),
    Provider("Le Monde", "lemonde.fr", ("www.lemonde.fr",), ("img.lemde.fr",)),
    Provider(
        "Süddeutsche Zeitung", "sueddeutsche.de", ("www.sueddeutsche.de",), ("www.sueddeutsche.de",)
    ),
    Provider(
        "El País", "elpais.com", ("elpais.com", "english.elpais.com"), ("imagenes.elpais.com",)
    ),
    Provider("Der Spiegel", "spiegel.de", ("www.spiegel.de",), ("cdn.prod.www.spiegel.de",)),
    Provider("The Verge", "theverge.com", ("www.theverge.com",), ("cdn.vox-cdn.com",)),
    Provider("Ars Technica", "arstechnica.com", ("arstechnica.com",), ("cdn.arstechnica.net",)),
    Provider("Wired", "wired.com", ("www.wired.com",), ("media.wired.com",)),
    Provider("TechCrunch", "techcrunch.com", ("techcrunch.com",), ("techcrunch.com",)),
    Provider("CNN", "cnn.com", ("www.cnn.com", "edition.cnn.com"), ("cdn.cnn.com",)),
    Provider("Nikkei Asia", "nikkei.com", ("asia.nikkei.com",), ("www.ft.com",)),
    Provider(
        "The Japan Times", "japantimes.co.jp", ("www.japantimes.co.jp",), ("cdn-japantimes.com",)
    ),
    Provider("Financial Times", "ft.com", ("www.ft.com",), ("www.ft.com",)),
    Provider("VentureBeat", "venturebeat.com", ("venturebeat.com",), ("venturebeat.com",)),
    Provider("ZDNet", "zdnet.com", ("www.zdnet.com",), ("www.zdnet.com",)),
    Provider("Forbes", "forbes.com", ("www.forbes.com",), ("thumbor.forbes.com",)),
    Provider("The Register", "theregister.com", ("www.theregister.com",), ("regmedia.co.uk",)),
    Provider(
        "Letting Agent Today",
        "lettingagenttoday.co.uk",
        ("www.lettingagenttoday.co.uk",),
        ("www.lettingagenttoday.co.uk",),
    ),
    Provider(
        "Times of India", "indiatimes.com", ("timesofindia.indiatimes.com",), ("static.toiimg.com",)
    ),
    Provider(
        "ABC News", "abc.net.au", ("www.abc.net.au",), ("live-production.wcms.abc-cdn.net.au",)
    ),
    Provider("Folha de S.Paulo", "uol.com.br", ("www1.folha.uol.com.br",), ("f.i.uol.com.br",)),
    Provider("Neue Zürcher Zeitung", "nzz.ch", ("www.nzz.ch",), ("img.nzz.ch",)),
    Provider("Bloomberg", "bloomberg.com", ("www.bloomberg.com",), ("assets.bwbx.io",)),
)

TOPICS = (
    "AI", "Computer Vision", "Privacy", "Surveillance", "Biometrics", "Policy", "Europe",
    "Machine Learning", "Robotics", "Security", "Cloud", "Semiconductors", "Startups",
    "Climate", "Energy", "Health", "Quantum Computing", "Space", "Autonomous Vehicles",
    "Natural Language Processing", "Data Protection", "Regulation", "Open Source",
    "Cybersecurity", "Finance", "Retail", "Education", "Künstliche Intelligenz",
    "Protection des données", "Inteligencia artificial",
)  # fmt: skip

WORDS = (
    "facial", "recognition", "police", "software", "data", "privacy", "ban", "law",
    "government", "startup", "raises", "million", "funding", "researchers", "model",
    "training", "cameras", "city", "council", "vote", "court", "ruling", "export",
    "rules", "technology", "companies", "users", "report", "study", "finds", "new",
    "tool", "launch", "cloud", "chip", "shortage", "regulators", "probe", "deal",
    "network", "security", "breach", "customers", "airport", "border", "biometric",
    "identity", "algorithm", "bias", "accuracy", "system", "pilot", "program",
    "schools", "hospitals", "patients", "robots", "warehouse", "workers", "union",
    "climate", "energy", "grid", "battery", "electric", "vehicles", "drivers",
    "insurance", "banks", "payments", "fraud", "detection", "satellite", "launches",
    "open-source", "developers", "platform", "update", "critics", "warn", "experts",
)  # fmt: skip

NON_ASCII_PHRASES = (
    "La reconnaissance faciale arrive dans les gares françaises",
    "Gesichtserkennung: Datenschützer warnen vor Überwachung",
    "El reconocimiento facial llega a los aeropuertos españoles",
    "顔認証システム、空港で本格導入へ",
    "Η Ευρώπη σφίγγει τους κανόνες για την τεχνητή νοημοσύνη",
    "Künstliche Intelligenz im Krankenhaus – ein Überblick",
    "São Paulo testa câmeras com reconhecimento facial no metrô",
    "Zürich prüft neue Regeln für Videoüberwachung",
    "“We’re not agreeing to any facial recognition,” the mayor said",
    "Reconnaissance d’images : l’État veut encadrer l’usage",
)

IMAGE_SIZES = (
    (1920, 1080), (1920, 1005), (1200, 630), (1050, 549), (1279, 640), (1280, 720),
    (1024, 768), (800, 450), (640, 360), (2048, 1365), (1600, 900), (960, 540),
    (600, 400), (3000, 2000), (1440, 810),
)  # fmt: skip

IMAGE_NAMES = (
    "facial-recognition-crowds", "hero", "social", "Überwachung-Kamera", "café-terrasse",
    "顔認証", "lead-image", "GettyImages-1227931402", "server_room", "robot-arm",
    "señal-tráfico", "thumbnail", "AP20292581234567",
)  # fmt: skip

OFFSETS = (
    "Z", "Z", "Z", "Z", "+00:00", "+01:00", "+02:00", "-04:00", "-05:00", "+05:30", "+09:00",
    "-07:00",
)  # fmt: skip
START = datetime(2015, 1, 2, tzinfo=timezone.utc)  # a day inside 2015-2025 in every offset
END = datetime(2025, 12, 30, 23, 59, 59, tzinfo=timezone.utc)
_YAML11_WORDS = frozenset(
    ("y", "yes", "n", "no", "true", "false", "on", "off", "null", "~")
)  # plain scalars YAML 1.1 would not read as text
_PLAIN_SAFE = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9 .&'’-]*[A-Za-zÀ-ÿ0-9.]")


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML), raw non-ASCII kept."""
    return json.dumps(text, ensure_ascii=False)


def scalar(text: str) -> str:
    """Plain when YAML reads it back as the same text, double-quoted otherwise."""
    if _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML11_WORDS:
        return text
    return quoted(text)


def slugify(text: str) -> str:
    """ASCII slug for a URL path (what most CMSes do with a headline)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:90].rstrip("-") or "article"


def amp_cache_url(amp_url: str) -> str:
    """The AMP cache URL of an AMP page whose host is short, ASCII and dotted."""
    scheme, _, rest = amp_url.partition("://")
    host, slash, path = rest.partition("/")
    prefix = host.lower().replace("-", "--").replace(".", "-")
    secure = "s/" if scheme == "https" else ""
    return f"https://{prefix}.cdn.ampproject.org/c/{secure}{host}{slash}{path}"


class SeedGenerator:
    """Builds seed texts from one random stream, so a seed number gives the same corpus."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.web_urls: set[str] = set()
        """Every webUrl written so far: C010 would rightly report a repeat."""

    # -- pieces ------------------------------------------------------------------------

    def sentence(self, min_len: int, max_len: int) -> str:
        rng = self.rng
        target = rng.randint(min_len, max_len)
        if rng.random() < 0.12:
            text = rng.choice(NON_ASCII_PHRASES)
            while len(text) < target:
                text += " " + " ".join(rng.choices(WORDS, k=rng.randint(3, 8)))
        else:
            words: list[str] = []
            while len(" ".join(words)) < target:
                words.append(rng.choice(WORDS))
            text = " ".join(words)
            text = text[0].upper() + text[1:]
            if rng.random() < 0.2:
                text = text.replace(" ", ": ", 1)
            if rng.random() < 0.15:
                text += f" ({rng.randint(2, 99)} %)" if rng.random() < 0.5 else " …"
        return text[:max_len].rstrip(" -:(") or "Untitled"

    def title(self) -> str:
        return self.sentence(20, 140)

    def excerpt(self) -> str:
        text = self.sentence(60, 420)
        if text.endswith("…"):
            return text
        return text + (" ..." if self.rng.random() < 0.3 else ".")

    def date(self, low: datetime = START, high: datetime = END) -> tuple[datetime, str]:
        """A random instant in [low, high] and its RFC 3339 text with a random offset."""
        rng = self.rng
        seconds = int((high - low).total_seconds())
        instant = low + timedelta(seconds=rng.randint(0, max(seconds, 0)))
        if rng.random() < 0.4:
            instant = instant.replace(second=0)
        return instant, self.format_date(instant)

    def format_date(self, instant: datetime) -> str:
        offset = self.rng.choice(OFFSETS)
        if offset == "Z":
            return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        sign = -1 if offset[0] == "-" else 1
        delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
        local = instant.astimezone(timezone(delta))
        return local.strftime("%Y-%m-%dT%H:%M:%S") + offset

    def article_url(self, provider: Provider, title: str, when: datetime) -> str:
        rng = self.rng
        host = rng.choice(provider.hosts)
        slug = slugify(title)
        style = rng.randrange(5)
        if style == 0:
            path = f"/{when:%Y/%m/%d}/{rng.choice(('technology', 'business', 'world'))}/{slug}.html"
        elif style == 1:
            path = f"/{when:%Y%m}/{slug}"
        elif style == 2:
            path = f"/news/{slug}-{rng.randint(10**7, 10**11)}"
        elif style == 3:
            path = f"/articles/{slug}-{rng.randint(10**10, 10**12)}"
        else:
            path = f"/{rng.choice(('tech', 'wirtschaft', 'economia'))}/{slug}/?id={rng.randint(1000, 999999)}"
        return f"https://{host}{path}"

    def amp_url(self, web_url: str) -> str:
        rng = self.rng
        scheme, _, rest = web_url.partition("://")
        host, _, path = rest.partition("/")
        style = rng.randrange(3)
        if style == 0 and "?" not in path:
            amp_path = f"/{path}?outputType=amp"
        elif style == 1 and path.endswith(".html"):
            amp_path = "/" + path.removesuffix(".html") + ".amp.html"
        else:
            amp_path = f"/amp/{path}"
        return f"{scheme}://{host}{amp_path}"

    def images(
        self, provider: Provider, count: int, when: datetime
    ) -> list[tuple[str, int, int, bool | None]]:
        rng = self.rng
        found = []
        for _ in range(count):
            host = rng.choice(provider.image_hosts)
            width, height = rng.choice(IMAGE_SIZES)
            name = rng.choice(IMAGE_NAMES)
            ext = rng.choice(("jpg", "jpg", "jpeg", "png", "webp"))
            url = f"https://{host}/images/{when:%Y/%m/%d}/{rng.randint(10**6, 10**8)}/{name}-{width}x{height}.{ext}"
            cached = rng.choice((True, True, False, None))
            found.append((url, width, height, cached))
        return found

    def secured(self) -> str:
        rng = self.rng
        payload = rng.randbytes(16 * rng.randint(1, 20))
        iv = rng.randbytes(16)
        return (
            base64.b64encode(payload).decode("ascii") + ";" + base64.b64encode(iv).decode("ascii")
        )

    # -- a whole seed ------------------------------------------------------------------

    def seed_text(self) -> str:
        """One seed file: ``---`` / front matter / ``---``."""
        rng = self.rng
        provider = rng.choice(PROVIDERS)
        title = self.title()
        published, published_text = self.date()
        web_url = self.article_url(provider, title, published)
        if web_url in self.web_urls:  # the same headline twice (rare): every webUrl stays unique
            web_url = f"{web_url.rstrip('/')}-{len(self.web_urls)}"
        self.web_urls.add(web_url)
        original_url = (
            web_url if rng.random() < 0.7 else self.article_url(provider, title, published)
        )
        lines = ["---"]
        if rng.random() < 0.9:
            lines.append("category: news")
        lines += [
            f"title: {quoted(title)}",
            f"excerpt: {quoted(self.excerpt())}",
            f"publishedDateTime: {published_text}",
        ]
        if rng.random() < 0.15:
            updated = published + timedelta(minutes=rng.randint(5, 60 * 24 * 30))
            lines.append(f"updatedDateTime: {self.format_date(min(updated, END))}")
        lines += [
            f"originalUrl: {quoted(original_url)}",
            f"webUrl: {quoted(web_url)}",
            "type: article",
            f"quality: {rng.randint(0, 150)}",
            f"heat: {-1 if rng.random() < 0.5 else rng.randint(-1, 500)}",
            f"published: {'true' if rng.random() < 0.6 else 'false'}",
            "",
            "provider:",
            f"  name: {scalar(provider.name)}",
            f"  domain: {provider.domain}",
            "",
            "topics:",
        ]
        lines += [f"  - {scalar(topic)}" for topic in rng.sample(TOPICS, rng.randint(1, 5))]
        image_count = rng.choice((0, 1, 1, 1, 2, 3))
        if image_count:
            lines += ["", "images:"]
            lines += self.image_lines(provider, image_count, published, indent="  ")
        related_count = rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 7, 8))
        if related_count:
            lines += ["", "related:"]
            for _ in range(related_count):
                lines += self.related_lines(published)
        lines += ["", f"secured: {quoted(self.secured())}", "---", ""]
        return "\n".join(lines)

    def image_lines(self, provider: Provider, count: int, when: datetime, indent: str) -> list[str]:
        lines = []
        for url, width, height, cached in self.images(provider, count, when):
            lines += [
                f"{indent}- url: {quoted(url)}",
                f"{indent}  width: {width}",
                f"{indent}  height: {height}",
            ]
            if cached is not None:
                lines.append(f"{indent}  isCached: {'true' if cached else 'false'}")
        return lines

    def related_lines(self, around: datetime) -> list[str]:
        rng = self.rng
        provider = rng.choice(PROVIDERS)
        title = self.title()
        low = max(START, around - timedelta(days=3))
        high = min(END, around + timedelta(days=3))
        when, when_text = self.date(low, high)
        web_url = self.article_url(provider, title, when)
        lines = [
            f"  - title: {quoted(title)}",
            f"    excerpt: {quoted(self.excerpt())}",
            f"    publishedDateTime: {when_text}",
            f"    webUrl: {quoted(web_url)}",
        ]
        if rng.random() < 0.5:
            amp = self.amp_url(web_url)
            lines += [
                f"    ampWebUrl: {quoted(amp)}",
                f"    cdnAmpWebUrl: {quoted(amp_cache_url(amp))}",
            ]
        lines += [
            "    type: article",
            "    provider:",
            f"      name: {scalar(provider.name)}",
            f"      domain: {provider.domain}",
            f"    quality: {rng.randint(0, 150)}",
            "    images:",
        ]
        lines += self.image_lines(provider, rng.choice((1, 1, 1, 2)), when, indent="      ")
        return lines


def front_matter_body(text: str) -> str:
    """The YAML between the opening and the closing ``---`` line."""
    _, _, rest = text.partition("---\n")
    body, _, _ = rest.rpartition("---\n")
    return body


def generate(count: int, out: Path, seed: int = 1, yaml_copies: Path | None = None) -> list[Path]:
    """Write ``count`` seeds into ``out`` (and their front matter into ``yaml_copies``)."""
    generator = SeedGenerator(seed)
    out.mkdir(parents=True, exist_ok=True)
    if yaml_copies is not None:
        yaml_copies.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(count - 1)))
    written = []
    for index in range(count):
        text = generator.seed_text()
        name = f"{index:0{width}d}_{generator.rng.getrandbits(64):016x}"
        path = out / f"{name}.txt"
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
        if yaml_copies is not None:
            (yaml_copies / f"{name}.yaml").write_text(
                front_matter_body(text), encoding="utf-8", newline="\n"
            )
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, required=True, help="how many seeds to write")
    parser.add_argument("--out", type=Path, required=True, help="folder for the .txt seeds")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--yaml-copies",
        type=Path,
        metavar="DIR",
        help="also write each seed's front matter alone as DIR/<name>.yaml",
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    generate(args.count, args.out, args.seed, args.yaml_copies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
