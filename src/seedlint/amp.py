"""The AMP cache URL of a page, computed by the published AMP cache URL format.

An AMP cache serves ``https://example.com/a?b`` at
``https://example-com.cdn.ampproject.org/c/s/example.com/a?b``. The host becomes
one DNS label (the "domain prefix"):

1. punycode-decode the host (IDN → Unicode);
2. double every ``-``, turn every ``.`` into ``-``;
3. punycode-encode the result back;
4. a result with ``--`` in positions 3-4 that is not ``xn--`` is wrapped as ``0-…-0``.

When that cannot give a valid label — the host has no dot, is longer than 63
characters, already has ``--`` in positions 3-4 (and is not ``xn--``), mixes
left-to-right and right-to-left scripts, or the result is longer than 63
characters — the prefix is the SHA-256 of the host's ASCII (punycode) form,
base32-encoded (RFC 4648 alphabet, lowercase) without its ``=`` padding: 52
characters. This follows the AMP documentation ("AMP Cache URL Format and
Request Handling") and ampproject's reference implementation
(``@ampproject/toolbox-cache-url``), whose examples are the unit tests.

The path is ``/c/s/<host><path>`` for an https page and ``/c/<host><path>`` for
an http one (``/i/`` and ``/r/`` instead of ``/c/`` when the path ends in an image
or font extension, as the reference implementation does); the query (and
fragment) are kept as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from seedlint.formats import punycode_to_ascii, punycode_to_unicode, split_host_port
from seedlint.formats.urls import authority_of

GOOGLE_AMP_CACHE = "cdn.ampproject.org"
MAX_LABEL = 63
_DEFAULT_PORTS = {"http": "80", "https": "443"}

_IMAGE_EXTENSIONS = frozenset(
    (  # noqa: SIM905 (a word list reads better than hundreds of quoted strings)
        "3dv PI1 PI2 PI3 ai amf art ase awg blp bmp bw cd5 cdr cgm cit cmx cpt cr2 cur cut "
        "dds dib djvu dxf e2d ecw egt emf eps exif fs gbr gif gpl grf hdp icns ico iff int "
        "inta jfif jng jp2 jpeg jpg jps jxr lbm liff max miff mng msp nitf nrrd odg ota pam "
        "pbm pc1 pc2 pc3 pcf pct pcx pdd pdn pgf pgm pict png pnm pns ppm psb psd psp px pxm "
        "pxr qfx ras raw rgb rgba rle sct sgi sid stl sun svg sxd tga tif tiff v2d vnd vrml "
        "vtf wdp webp wmf x3d xar xbm xcf xpm "
    ).split()
)
"""Served under ``/i/`` (the reference implementation's ImageExtensions.js)."""

_FONT_EXTENSIONS = frozenset(
    (  # noqa: SIM905 (a word list reads better than hundreds of quoted strings)
        "### #gf $on $tf 075 085 091 096 0b 12u 15u 64c 75 85 8m 8u 91 96 _v abf acfm acs afm "
        "afn afs all amfm apf asf aspf atm auf b30 bco bdf bepf bez bfn bmap bmf bx bzr cbtf "
        "cct cef cff cfn cga ch4 cha chm chr chx claf collection compositefont dfont dus dzk "
        "eft eot etx euf f00 f06 f08 f09 f10 f11 f12 f13 f16 f3f fd fdb ff ffil flf fli fn3 "
        "fnb fnn fnt fnta fo1 fo2 fog fon font fonts fot frf frs ftm fxr fyi gdr gf gft glf "
        "glif glyphs gsf gxf hbf ice intellifont lepf lft lwfn mcf mfd mfm mft mgf mmm mrf "
        "mtf mvec nlq ntf odttf ofm okf otf pcf pfa pfb pfm pft phf pk pkt prs pss qbf qfn "
        "r8? scr sfd sff sfi sfl sfn sfo sfp sfs sif snf spd spritefont sui suit svg sxs t1c "
        "t2 tb1 tb2 tdf tfm tmf tpf ttc tte ttf type ufm ufo us? usl usp vf vf1 vf3 vfb vfm "
        "vfont vlw vmf vnf w30 wfn wnf woff woff2 xfc xfn xfr xft zfi zsu "
    ).split()
)
"""Served under ``/r/`` (FontExtensions.js); an image extension wins over a font one."""

# Character classes from the reference implementation: a label may not mix them.
_LTR = (
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02b8\u0300-\u0590\u0800-\u1fff"
    "\u200e\u2c00-\ufb1c\ufe00-\ufe6f\ufefd-\uffff]"
)
_RTL = "[\u0591-\u06ef\u06fa-\u07ff\u200f\ufb1d-\ufdff\ufe70-\ufefc]"


def _mixes_directions(text: str) -> bool:
    """Left-to-right and right-to-left letters in one name (the classes compile only when needed)."""
    return not text.isascii() and bool(re.search(_LTR, text) and re.search(_RTL, text))


def _hyphen_34(label: str) -> bool:
    return label[2:4] == "--" and not label.startswith("xn")


def fallback_subdomain(host: str) -> str:
    """The hashed domain prefix: base32(sha256(host)), lowercase, without padding."""
    import base64  # only for the rare hashed fallback: keep start-up lean
    import hashlib

    digest = hashlib.sha256(host.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower()


@lru_cache(maxsize=1024)
def cache_subdomain(host: str) -> str | None:
    """The AMP cache domain prefix of ``host`` (``www.example.com`` → ``www-example-com``).

    Computed by the cache's algorithm alone, whatever a host check says of the name:
    an emoji domain (``⚡😊.com``) that IDNA 2008 refuses still has a cache URL.
    The name is taken in its punycode form, so the Unicode and the ``xn--``
    spelling of a host give the same prefix. None for an empty or unencodable host.
    """
    name = host.rstrip(".").lower()
    if not name or name.startswith("["):
        return None
    try:
        domain = punycode_to_ascii(name)
        unicode = punycode_to_unicode(domain)
    except UnicodeError:  # an xn-- label that is not valid punycode
        return fallback_subdomain(name) if name.isascii() else None
    eligible = (
        "." in domain
        and len(domain) <= MAX_LABEL
        and not _hyphen_34(domain)
        and not _mixes_directions(unicode)
    )
    if not eligible:
        return fallback_subdomain(domain)
    try:
        prefix = punycode_to_ascii(unicode.replace("-", "--").replace(".", "-")).lower()
    except UnicodeError:
        return fallback_subdomain(domain)
    if len(prefix) > MAX_LABEL:
        return fallback_subdomain(domain)
    if _hyphen_34(prefix):
        prefix = f"0-{prefix}-0"
    return prefix


def cache_url(url: str, cache_domain: str = GOOGLE_AMP_CACHE) -> str | None:
    """The AMP cache URL of the AMP page ``url``; None when ``url`` has no usable host.

    An explicit default port (``:443`` for https, ``:80`` for http) is the same
    page and is dropped. A URL with userinfo or another port has no AMP cache
    URL (caches serve only default ports), so None is returned for it.
    """
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in _DEFAULT_PORTS:
        return None
    authority = authority_of(rest)
    tail = rest[len(authority) :]
    if "@" in authority:
        return None
    host, port = split_host_port(authority)
    if port is not None and port.lstrip("0") != _DEFAULT_PORTS[scheme]:
        return None
    prefix = cache_subdomain(host)
    if prefix is None:
        return None
    secure = "s/" if scheme == "https" else ""
    kind = _resource_kind(tail.partition("#")[0].partition("?")[0])
    return f"https://{prefix}.{cache_domain}/{kind}/{secure}{host.lower()}{tail}"


def _resource_kind(path: str) -> str:
    """``c`` for a document, ``i`` for an image, ``r`` for a font, by the path's extension."""
    extension = path.rpartition(".")[2] if "." in path else ""
    if extension in _IMAGE_EXTENSIONS:
        return "i"
    if extension in _FONT_EXTENSIONS:
        return "r"
    return "c"
