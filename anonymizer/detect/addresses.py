"""Street addresses (FR, EN, DE, ES layouts), postcodes and the city next to them."""
from __future__ import annotations

import regex

from ..render import fakes
from ..textutil import fold, has_digit
from .base import Finding
from .idrules import pattern

STREET = "STREET_ADDRESS"
POSTCODE = "POSTCODE"
CITY = "CITY"

_LAYOUT_LOCALE = {"fr_street": "fr_FR", "en_street": "en_US", "de_street": "de_DE", "es_street": "es_ES"}
# "12 Euros", "15000 Personnes": a capitalised word after five digits that is not a city
_NOT_CITY = {"euros", "euro", "eur", "dollars", "usd", "personnes", "habitants", "km", "kms",
             "points", "followers", "abonnés", "abonnes", "vues", "likes", "views", "pesos",
             "mal", "fois", "times", "veces", "leute", "menschen", "personas", "mo", "go", "ko",
             "mb", "gb", "kb", "steps", "pas", "pasos", "schritte", "calories", "kcal", "messages",
             "mensajes", "nachrichten", "fans", "stars", "jours", "days", "días", "tage", "ans",
             "years", "años", "jahre", "francs", "livres", "pounds", "yens", "bitcoins", "btc",
             "ich", "je", "i", "we", "on", "wir", "et", "and", "und", "y", "mais", "but", "aber",
             "pero", "ok", "merci", "thanks", "danke", "gracias", "lol", "mdr", "jaja"}
# English words that look like a street type at the end of "5 … way" but are not
_EN_FALSE = regex.compile(r"(?i)^(?:the|a|an|my|your|our|this|that|no|one|two|three|more|other|"
                          r"same|best|long|only|easy|hard|wrong|right|good|bad|other|first|"
                          r"last|next|all|some|any|minutes?|min|mins|hours?|days?|weeks?)\b")


_EN_STOP = {"the", "a", "an", "down", "up", "to", "of", "my", "your", "our", "this", "that", "on",
            "in", "at", "by", "for", "from", "blocks", "block", "miles", "mile", "km", "steps",
            "minutes", "mins", "hours", "and", "or", "is", "was", "one", "two", "more", "other",
            "across", "along", "off", "over", "past", "near", "via", "whole", "entire", "same"}


def find_addresses(text: str, engine=None) -> list[Finding]:
    if not has_digit(text):
        return []
    out: list[Finding] = []
    for layout in ("fr_street", "es_street", "de_street", "en_street"):
        for m in pattern(layout).finditer(text):
            s, e = m.start(), m.end()
            if any(s < f.end and f.start < e for f in out):
                continue
            name = m.group("name")
            if layout == "en_street":
                if any(w.lower() in _EN_STOP for w in name.split()) or _EN_FALSE.match(name) or not (name[:1].isupper() or m.group("type")[:1].isupper()
                                                  or m.group("type").lower() in ("street", "st", "road", "rd", "avenue", "ave", "lane", "drive", "blvd", "boulevard")):
                    continue
            if layout == "de_street" and m.group("type") is None and not regex.match(r"^(?:Am|An der|Auf dem|Im|In der|Zum|Zur|Unter den) ", name):
                continue
            out.append(Finding(s, e, STREET, m.group(), 0.9, "address",
                               {"layout": layout, "groups": {g: (m.start(g) - s, m.end(g) - s)
                                                             for g in ("num", "name") if m.group(g)},
                                "type": m.group("type") or ""}))
    for scheme in ("us_city_zip", "postcode5_city", "uk_postcode"):
        for m in pattern(scheme).finditer(text):
            if any(m.start("code") < f.end and f.start < m.end("code") for f in out):
                continue
            if scheme == "postcode5_city":
                city = m.group("city")
                if fold(city.split()[0].split("-")[0]) in _NOT_CITY or int(m.group("code")[:2]) == 0:
                    continue
            out.append(Finding(m.start("code"), m.end("code"), POSTCODE, m.group("code"), 0.9,
                               "postcode", {"scheme": "us_zip" if scheme == "us_city_zip" else scheme}))
            if "city" in m.re.groupindex and m.group("city"):
                # the city of "Hauptstraße 12, 10115 Berlin" gets a German fake
                near = [f.data["layout"] for f in out if f.kind == STREET and 0 <= m.start() - f.end < 40]
                loc = "en_US" if scheme == "us_city_zip" else (_LAYOUT_LOCALE[near[-1]] if near else None)
                out.append(Finding(m.start("city"), m.end("city"), CITY, m.group("city"), 0.85,
                                   "postcode", {"locale": loc}))
    return out


def render_street(f: Finding, engine) -> str:
    layout = f.data["layout"]
    locale = _LAYOUT_LOCALE[layout]
    if layout == "en_street" and engine.pmap.locale == "en_GB":
        locale = "en_GB"
    groups = f.data["groups"]
    parts = []
    if "num" in groups:
        a, b = groups["num"]
        parts.append((a, b, fakes.fake_house_number(engine.pmap, f.text[a:b])))
    a, b = groups["name"]
    name = f.text[a:b]
    typ = f.data["type"]
    if layout == "de_street":
        if typ and name.endswith(typ):
            words = name[:len(name) - len(typ)]
            head, _, last = words.rstrip(" -").rpartition(" ")
            joiner = words[len(words.rstrip(" -")):]  # "Berliner Straße" keeps its space
            fake = fakes.fake_street_name(engine.pmap, name, locale)
            new = (head + " " if head else "") + fake + joiner + typ
        else:
            prep, _, rest = name.rpartition(" ")
            new = prep + " " + fakes.fake_street_name(engine.pmap, name, locale)
    else:
        # keep a leading particle ("des", "de la", "del") and replace the words after it
        pm = regex.match(r"(?i)^(?:(?:de la|de l['’]|de los|de las|des|du|de|del|d['’]|la|le|les|el|los|las|l['’])\s*)?", name)
        keep = pm.group() if pm else ""
        fake = fakes.fake_street_name(engine.pmap, name, locale)
        if keep and keep.strip().lower() in ("des", "les", "los", "las"):
            keep = "de " if layout == "fr_street" else ("de " if layout == "es_street" else "")
        if keep.lower().startswith(("de l", "d'", "d’", "l'", "l’")) and fake[:1].lower() not in "aeiouyh":
            keep = "de " if layout == "fr_street" else keep
        if layout == "fr_street" and keep.strip().lower() == "de" and fake[:1].lower() in "aeiouyhéè":
            keep = keep[:1] + "'"  # rue d'Aubert
        new = keep + fake
        if name.islower():
            new = new.lower()
    parts.append((a, b, new))
    out = f.text
    for s, e, new in sorted(parts, reverse=True):
        out = out[:s] + new + out[e:]
    return out


def render_postcode(f: Finding, engine) -> str:
    return fakes.fake_postcode(engine.pmap, f.text, f.data["scheme"])


def render_city(f: Finding, engine) -> str:
    locale = f.data.get("locale") or engine.pmap.locale
    fake = fakes.fake_city(engine.pmap, f.text, locale)
    return fake.upper() if f.text.isupper() else fake
