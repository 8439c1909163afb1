"""Phone numbers in any country's shape: recall and keep-rate, this tool vs Presidio, one run.

    python benchmarks/phones.py [--markdown] [--no-presidio] [--misses N] [--seed S]
    python benchmarks/phones.py --speed 100000 [--lang fr]   # PhoneDetector over chatgen bodies

A labelled set built here, deterministic for a seed (no file to download):

* **phones**: fictional numbers (the ranges regulators reserve for drama, ``rules/phones.yaml``:
  FR 06 39 98 / 01 99 00, GB 07700 900 / 0113 496 0 / 020 7946 0, US and CA 555-01xx, DE
  0176 04069 0 / 030 23125; for ES, IT, PT, BE, CH, NL valid numbers drawn at random here, not
  copied from anywhere) in 14 shapes (national as the country writes it, compact, dots,
  dashes, slash, non-breaking spaces, split over a line break, glued to the word before,
  ``tel:``, international, international compact, dotted, ``00``, ``(0)``), inside short chat
  sentences in French, English, German, Spanish, Italian and Portuguese.  In a third of the
  cases the sentence's language is NOT one whose regions hold the number's country (a French
  number in a Portuguese chat).
* **keep-traps**: dates in every common layout, times, prices with and without currency,
  order / invoice / tracking numbers after a cue in each language, IBAN and card fragments,
  scores, versions, GPS coordinates, postcodes, years, percentages and counts.

Each sentence goes through ``PhoneDetector(REGIONS[lang])`` (the regions the engine gives a
chat of that language, no participants) and through Presidio's ``PhoneRecognizer`` with its
default regions.  A phone is *found* when one predicted span covers all its digits; a trap is
*kept* when no predicted span overlaps it; precision counts predicted spans that overlap a
gold phone.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import phonenumbers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from anonymizer.detect.phones import PhoneDetector  # noqa: E402
from anonymizer.language import LANGUAGES  # noqa: E402

REGIONS = {code: list(row.phone_regions) for code, row in LANGUAGES.items()}

LANGS = ("fr", "en", "de", "es", "it", "pt")
NAT = phonenumbers.PhoneNumberFormat.NATIONAL
INTL = phonenumbers.PhoneNumberFormat.INTERNATIONAL


# ------------------------------------------------------------------ numbers
def _digits(rng, n):
    return "".join(rng.choice("0123456789") for _ in range(n))


def _drawn(rng, region, make):
    """A valid number of ``region`` from ``make(rng)`` (national significant number)."""
    for _ in range(1000):
        num = phonenumbers.parse("+%d%s" % (phonenumbers.country_code_for_region(region), make(rng)), None)
        if phonenumbers.is_valid_number(num):
            return num
    raise RuntimeError(region)


NUMBERS = {
    # fiction ranges (rules/phones.yaml): prefix of the national significant number + length
    "FR": lambda rng: rng.choice(["63998", "19900", "26191", "35301"]) + _digits(rng, 4),
    "GB": lambda rng: rng.choice(["7700900", "1134960", "2079460"]) + _digits(rng, 3),
    "US": lambda rng: rng.choice(["212", "415", "305", "617"]) + "55501" + _digits(rng, 2),
    "CA": lambda rng: rng.choice(["416", "514", "604"]) + "55501" + _digits(rng, 2),
    "DE": lambda rng: rng.choice(["176040690" + _digits(rng, 2), "3023125" + _digits(rng, 3),
                                  "17139200" + _digits(rng, 2)]),
    # constructed here, checked valid
    "ES": lambda rng: rng.choice("67") + _digits(rng, 8),
    "IT": lambda rng: "3" + rng.choice("234579") + _digits(rng, 8),
    "PT": lambda rng: "9" + rng.choice("1236") + _digits(rng, 7),
    "BE": lambda rng: "4" + rng.choice("6789") + _digits(rng, 7),
    "CH": lambda rng: "7" + rng.choice("5689") + _digits(rng, 7),
    "NL": lambda rng: "6" + rng.choice("1234") + _digits(rng, 7),
}
FICTION = {"FR", "GB", "US", "CA", "DE"}


def make_number(rng, region):
    if region in FICTION:
        cc = phonenumbers.country_code_for_region(region)
        return phonenumbers.parse("+%d%s" % (cc, NUMBERS[region](rng)), None)
    return _drawn(rng, region, NUMBERS[region])


def _groups(s):
    return re.findall(r"\d+", s)


def _national(num):
    return phonenumbers.format_number(num, NAT)


def _has_trunk0(num):
    nat = re.sub(r"\D", "", _national(num))
    return nat.startswith("0") and not phonenumbers.national_significant_number(num).startswith("0")


GLUE = {"fr": "appelle-moi au", "en": "call me at tel.", "de": "ruf an unter Tel.", "es": "llámame al",
        "it": "chiamami al", "pt": "liga-me ao"}


def shapes(num, lang):
    """name -> written number (None when the shape does not exist for that country)."""
    nat = _national(num)
    g = _groups(nat)
    intl = phonenumbers.format_number(num, INTL)
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    ig = _groups(intl)
    out = {
        "national": nat,
        "compact": "".join(g),
        "dots": ".".join(g),
        "dashes": "-".join(g),
        "slash": g[0] + "/" + "".join(g[1:]) if len(g) > 1 else None,
        "nbsp": nat.replace(" ", "\u00a0"),
        "split-line": None,
        "glued": "".join(g),  # written right after GLUE[lang], no space
        "tel:": "tel:" + e164,
        "international": intl,
        "intl-compact": e164,
        "intl-dots": "+" + ".".join(ig),
        "00": "00" + " ".join(ig),
        "(0)": None,
    }
    out["parentheses"] = "(" + nat + ")"
    out["then a time"] = nat  # followed by " 18:30" (see phone_cases)
    if " " in nat:
        i = len(nat) // 2
        cut = nat.find(" ", i) if nat.find(" ", i) > 0 else nat.rfind(" ")
        out["split-line"] = nat[:cut] + "\n" + nat[cut + 1:]
    if _has_trunk0(num):
        out["(0)"] = "+%s (0)%s" % (ig[0], " ".join(ig[1:]))
    return out


# ------------------------------------------------------------------ sentences
TEMPLATES = {
    "fr": ["mon numéro : {p}", "tu peux m'appeler au {p} ce soir", "{p}", "c'est le {p} je crois",
           "ok noté, {p} merci 🙏", "Le plombier ? {p}, il est super", "nouveau num {p} !",
           "si jamais tu ne me trouves pas, {p}", "Camille a changé : {p}"],
    "en": ["my number is {p}", "call me on {p} tonight", "{p}", "it's {p} I think",
           "ok got it, {p} thanks 🙏", "The plumber? {p}, he's great", "new number {p}!",
           "if you can't find me, {p}", "Sam changed it: {p}"],
    "de": ["meine Nummer: {p}", "ruf mich unter {p} an", "{p}", "das ist die {p} glaube ich",
           "ok, {p} danke 🙏", "Der Klempner? {p}, der ist super", "neue Handynummer {p}!",
           "falls du mich nicht findest: {p}", "Jonas hat jetzt {p}"],
    "es": ["mi número: {p}", "llámame al {p} esta noche", "{p}", "es el {p} creo",
           "vale, {p} gracias 🙏", "¿El fontanero? {p}, es muy bueno", "número nuevo {p}!",
           "si no me encuentras, {p}", "Lucía cambió: {p}"],
    "it": ["il mio numero: {p}", "chiamami al {p} stasera", "{p}", "è il {p} credo",
           "ok, {p} grazie 🙏", "L'idraulico? {p}, è bravissimo", "numero nuovo {p}!",
           "se non mi trovi, {p}", "Giulia ha cambiato: {p}"],
    "pt": ["o meu número: {p}", "liga-me para o {p} hoje", "{p}", "é o {p} acho eu",
           "ok, {p} obrigado 🙏", "O canalizador? {p}, é ótimo", "número novo {p}!",
           "se não me encontrares, {p}", "A Inês mudou: {p}"],
}
HOME = {"FR": ("fr",), "BE": ("fr",), "CH": ("fr", "de"), "GB": ("en",), "US": ("en",), "CA": ("en", "fr"),
        "DE": ("de",), "ES": ("es",), "IT": ("it",), "PT": ("pt",), "NL": ()}


def chat_langs(region, matching):
    """Languages whose chats look for ``region`` (matching) or not."""
    if matching:
        return [lg for lg in LANGS if region in REGIONS.get(lg, []) or lg in HOME.get(region, ())]
    return [lg for lg in LANGS if region not in REGIONS.get(lg, []) and lg not in HOME.get(region, ())]


def phone_cases(rng, per_shape_country=5):
    cases = []
    for region in NUMBERS:
        for shape in shapes(make_number(rng, region), "fr"):
            for k in range(per_shape_country):
                num = make_number(rng, region)
                mismatch = k % 3 == 0 or not chat_langs(region, True)
                langs = chat_langs(region, not mismatch) or list(LANGS)
                lang = rng.choice(langs)
                written = shapes(num, lang)[shape]
                if written is None:
                    continue
                if shape == "glued":
                    tpl = GLUE[lang] + "{p} stp" if lang == "fr" else GLUE[lang] + "{p} pls"
                elif shape == "then a time":
                    tpl = rng.choice(TEMPLATES[lang]).replace("{p}", "{p} %02d:%02d" % (rng.randint(8, 20),
                                                                                      rng.choice([0, 15, 30, 45])))
                else:
                    tpl = rng.choice(TEMPLATES[lang])
                pre, post = tpl.split("{p}")
                text = pre + written + post
                cases.append({"text": text, "lang": lang, "start": len(pre), "end": len(pre) + len(written),
                              "kind": "phone", "shape": shape, "country": region,
                              "match": "other language" if mismatch else "own language"})
    return cases


# ------------------------------------------------------------------ keep-traps
def _d2(rng, lo=1, hi=28):
    return "%02d" % rng.randint(lo, hi)


def trap_values(rng):
    """category -> list of (lang or None, sentence with {v}, value)."""
    y = lambda: str(rng.randint(1995, 2030))  # noqa: E731
    dates = [f"{_d2(rng)}/{_d2(rng, 1, 12)}/{y()}", f"{y()}-{_d2(rng, 1, 12)}-{_d2(rng)}",
             f"{_d2(rng)}.{_d2(rng, 1, 12)}.{y()}", f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{y()[2:]}",
             f"{_d2(rng)}-{_d2(rng, 1, 12)}-{y()}", f"{y()}{_d2(rng, 1, 12)}{_d2(rng)}",
             f"{_d2(rng)}/{_d2(rng, 1, 12)}/{y()} {_d2(rng, 0, 23)}:{_d2(rng, 0, 59)}",
             f"{_d2(rng)}/{_d2(rng, 1, 12)} - {_d2(rng)}/{_d2(rng, 1, 12)}",
             f"{_d2(rng)}/{_d2(rng, 1, 12)}/{y()}-{_d2(rng)}/{_d2(rng, 1, 12)}/{y()}",
             f"{_d2(rng, 1, 12)}/{_d2(rng)}/{y()[2:]} {rng.randint(1, 12)}:{_d2(rng, 0, 59)} PM",
             f"{y()}/{_d2(rng, 1, 12)}/{_d2(rng)}", f"{_d2(rng)} {_d2(rng, 1, 12)} {y()}"]
    times = [f"{_d2(rng, 0, 23)}:{_d2(rng, 0, 59)}:{_d2(rng, 0, 59)} - {_d2(rng, 0, 23)}:{_d2(rng, 0, 59)}",
             f"{_d2(rng, 0, 23)}h{_d2(rng, 0, 59)}-{_d2(rng, 0, 23)}h{_d2(rng, 0, 59)}",
             f"{_d2(rng, 0, 23)}:{_d2(rng, 0, 59)} {_d2(rng, 0, 23)}:{_d2(rng, 0, 59)} {_d2(rng, 0, 23)}:{_d2(rng, 0, 59)}"]
    big = lambda: "%d %03d %03d" % (rng.randint(1, 99), rng.randint(0, 999), rng.randint(0, 999))  # noqa: E731
    prices = [big() + " €", "€" + big().replace(" ", ","), big().replace(" ", ".") + " EUR",
              "CHF " + big().replace(" ", "'"), "$" + big().replace(" ", ",") + ".00",
              "R$ " + big().replace(" ", ".") + ",50", big() + " euros", "£" + big().replace(" ", ","),
              big(), big().replace(" ", "."), "%d,%02d €" % (rng.randint(1000000, 9999999), rng.randint(0, 99)),
              "%d %03d %03d,%02d" % (rng.randint(1, 9), rng.randint(0, 999), rng.randint(0, 999), rng.randint(0, 99))]
    order_num = lambda: rng.choice([  # noqa: E731
        "%03d-%07d" % (rng.randint(100, 999), rng.randint(0, 9999999)), _digits(rng, 10), _digits(rng, 9),
        "0" + rng.choice("67") + _digits(rng, 8), "%s %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 4)),
        _digits(rng, 12), "00" + _digits(rng, 18)])
    cues = {
        "order": {"fr": ["n° de commande {v}", "commande n° {v}", "ma commande {v} est arrivée"],
                  "en": ["order #{v}", "order number {v}", "your order {v} has shipped"],
                  "de": ["Bestellnummer {v}", "Bestellung {v} ist unterwegs", "Auftragsnummer: {v}"],
                  "es": ["pedido nº {v}", "número de pedido {v}", "tu pedido {v} ya salió"],
                  "it": ["numero d'ordine {v}", "ordine n. {v}", "l'ordine {v} è partito"],
                  "pt": ["encomenda nº {v}", "o pedido {v} chegou", "número da encomenda: {v}"]},
        "invoice": {"fr": ["facture n° {v}", "la facture {v} est payée"], "en": ["invoice {v}", "receipt {v}"],
                    "de": ["Rechnungsnummer {v}", "Rechnung {v} bezahlt"], "es": ["factura {v}", "la factura {v} está pagada"],
                    "it": ["fattura n. {v}", "la fattura {v}"], "pt": ["fatura {v}", "a fatura nº {v}"]},
        "tracking": {"fr": ["n° de suivi {v}", "suivi colis : {v}"], "en": ["tracking number {v}", "tracking: {v}"],
                     "de": ["Sendungsnummer {v}", "Sendungsverfolgung: {v}"], "es": ["seguimiento {v}", "número de seguimiento: {v}"],
                     "it": ["spedizione {v}", "codice di tracciamento {v}"], "pt": ["rastreio {v}", "código de rastreio: {v}"]},
        "reference": {"fr": ["référence {v}", "n° client {v}", "dossier {v}"], "en": ["reference {v}", "booking {v}", "customer number {v}"],
                      "de": ["Kundennummer {v}", "Aktenzeichen {v}"], "es": ["referencia {v}", "reserva {v}"],
                      "it": ["riferimento {v}", "prenotazione {v}"], "pt": ["referência {v}", "reserva {v}"]},
    }
    out = defaultdict(list)
    date_tpl = {"fr": "on se voit le {v} ?", "en": "see you on {v}?", "de": "Termin am {v}", "es": "nos vemos el {v}",
                "it": "ci vediamo il {v}", "pt": "vemo-nos a {v}"}
    for lang in LANGS:
        for v in dates:
            out["date"].append((lang, date_tpl[lang], v))
        for v in times:
            out["time"].append((lang, "horaires {v}" if lang == "fr" else "{v} ok", v))
        for v in prices[:9]:
            out["price (currency)"].append((lang, "ça fait {v} au total" if lang == "fr" else "total {v}", v))
        for v in prices[9:] + [big(), big().replace(" ", ".")]:
            out["price (no currency)"].append((lang, "budget {v}, pas plus" if lang == "fr" else "budget {v}", v))
        for cat, by in cues.items():
            for tpl in by[lang]:
                for _ in range(2 if cat == "order" else 1):
                    pre, post = tpl.split("{v}")
                    out[cat].append((lang, pre + "{v}" + post, order_num()))
        out["iban"].append((lang, "IBAN {v}", "FR76 3000 6000 0112 3456 7890 189"))
        out["iban"].append((lang, "virement sur {v} stp", "DE89 3704 0044 0532 0130 00"))
        out["iban"].append((lang, "RIB : {v}", "3000 6000 0112 3456 7890 1"))
        out["card"].append((lang, "carte {v}", "4970 1012 3456 7890"))
        out["card"].append((lang, "card {v}", "5555-5555-5555-4444"))
        out["card"].append((lang, "{v} exp 12/27", "4970 1012 3456"))
        out["score"].append((lang, "{v} 💪", "6-4 6-3 7-6"))
        out["score"].append((lang, "sets {v}", "25-23 21-25 25-20 15-13"))
        out["version"].append((lang, "version {v}", "10.2.3.4567"))
        out["version"].append((lang, "update {v} out", "2.14.1.20240305"))
        out["version"].append((lang, "iOS {v}", "17.4.1.1234"))
        out["coordinates"].append((lang, "GPS {v}", "48.8566 2.3522"))
        out["coordinates"].append((lang, "{v}", "31.7036111"))
        out["coordinates"].append((lang, "pin: {v}", "40.4167754, -3.7037902"))
        out["coordinates"].append((lang, "lat {v}", "-33.8688197 151.2092955"))
        out["postcode"].append((lang, "{v}", "75011 Paris 75012"))
        out["postcode"].append((lang, "CP {v}", "28013 28014"))
        out["postcode"].append((lang, "PLZ {v}", "10115-10117"))
        out["year"].append((lang, "{v}", "2019 2020 2021"))
        out["year"].append((lang, "de {v}", "1998-2003"))
        out["year"].append((lang, "saisons {v}", "2022/2023/2024"))
        out["date"].append((lang, "{v}", f"{y()}.{_d2(rng, 1, 12)}.{_d2(rng)} {_d2(rng, 0, 23)}:{_d2(rng, 0, 59)}"))
        out["date"].append((lang, "{v}", f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{y()} at {rng.randint(1, 12)}:30 PM"))
        out["reference"].append((lang, "ISBN {v}", "978-2-07-036822-8"))
        out["reference"].append((lang, "n° de sécu {v}", "1 85 05 78 006 084 36"))
        out["reference"].append((lang, "SIRET {v}", "732 829 320 00074"))
        out["tracking"].append((lang, "UPS {v}", "1Z 999 AA1 01 2345 6784"))
        out["account"] = out.get("account", [])
        out["account"].append((lang, "sort code {v}", "20-00-00 55779911"))
        out["account"].append((lang, "Kontonummer {v}", "0532 0130 00"))
        out["percent / count"].append((lang, "{v}", "12 345 678 %"))
        out["percent / count"].append((lang, "{v} vues", "1 234 567"))
        out["percent / count"].append((lang, "{v} followers", "2345678"))
    return out


def trap_cases(rng):
    cases = []
    for cat, items in trap_values(rng).items():
        for lang, tpl, v in items:
            pre, post = tpl.split("{v}")
            cases.append({"text": pre + v + post, "lang": lang, "start": len(pre), "end": len(pre) + len(v),
                          "kind": "trap", "category": cat})
    return cases


# ------------------------------------------------------------------ scoring
def ours():
    dets = {lang: PhoneDetector(REGIONS[lang]) for lang in LANGS}
    return lambda text, lang: [(f.start, f.end) for f in dets[lang].find(text)]


def presidio():
    import logging
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer
    rec = PhoneRecognizer()
    return lambda text, lang: [(r.start, r.end) for r in rec.analyze(text, ["PHONE_NUMBER"], None)]


def score(cases, predict):
    found = defaultdict(lambda: [0, 0])
    tp = fp = 0
    misses = []
    for c in cases:
        spans = predict(c["text"], c["lang"])
        digits = [i for i in range(c["start"], c["end"]) if c["text"][i].isdigit()]
        if c["kind"] == "phone":
            hit = any(s <= digits[0] and digits[-1] < e for s, e in spans)
            for key in ("all", "shape:" + c["shape"], "country:" + c["country"], "lang:" + c["match"]):
                found[key][0] += hit
                found[key][1] += 1
            if not hit:
                misses.append((c, spans))
        else:
            kept = not any(s < c["end"] and c["start"] < e for s, e in spans)
            for key in ("traps", "trap:" + c["category"]):
                found[key][0] += kept
                found[key][1] += 1
            if not kept:
                misses.append((c, spans))
        for s, e in spans:
            if c["kind"] == "phone" and s < c["end"] and c["start"] < e:
                tp += 1
            else:
                fp += 1
    found["precision"] = [tp, tp + fp]
    return found, misses


def report(results, names, markdown):
    keys = list(results[names[0]].keys())
    order = (["all", "precision", "traps"] + sorted(k for k in keys if k.startswith("shape:"))
             + sorted(k for k in keys if k.startswith("country:")) + sorted(k for k in keys if k.startswith("lang:"))
             + sorted(k for k in keys if k.startswith("trap:")))
    label = {"all": "phones: recall", "precision": "precision (predicted spans on a phone)",
             "traps": "keep-traps: kept"}
    if markdown:
        print("| cases | n | " + " | ".join(names) + " |")
        print("|---|---:|" + "---:|" * len(names))
    for k in order:
        n = results[names[0]][k][1]
        vals = ["%.3f" % (results[nm][k][0] / results[nm][k][1]) if results[nm][k][1] else "-" for nm in names]
        name = label.get(k, k.replace("shape:", "shape ").replace("country:", "country ")
                         .replace("lang:", "chat in its ").replace("trap:", "kept: "))
        if markdown:
            print(f"| {name} | {n} | " + " | ".join(vals) + " |")
        else:
            print(f"{name:<44} {n:>5}  " + "  ".join(f"{v:>8}" for v in vals))


def speed(n, lang):
    import chatgen
    rx = re.compile(r"^\d\d/\d\d/\d{4}, \d\d:\d\d - [^:]+: ")
    bodies = []
    for line in chatgen.generate(lang, n, 1):
        m = rx.match(line)
        bodies.append(line[m.end():] if m else line)
    for _ in range(3):
        det = PhoneDetector(REGIONS[lang])
        t0 = time.perf_counter()
        found = sum(len(det.find(b)) for b in bodies)
        print(f"{lang}: PhoneDetector.find over {len(bodies):,} chatgen lines: "
              f"{time.perf_counter() - t0:.2f} s, {found:,} phones", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--no-presidio", action="store_true")
    ap.add_argument("--misses", type=int, default=0, help="print this many missed phones / fired traps")
    ap.add_argument("--speed", type=int, metavar="N", help="time PhoneDetector over N chatgen messages")
    ap.add_argument("--lang", default="fr")
    a = ap.parse_args(argv)
    if a.speed:
        speed(a.speed, a.lang)
        return 0
    rng = random.Random(a.seed)
    cases = phone_cases(rng) + trap_cases(rng)
    n_ph = sum(c["kind"] == "phone" for c in cases)
    print(f"# {n_ph} phone cases ({len({c['shape'] for c in cases if c['kind'] == 'phone'})} shapes x "
          f"{len({c['country'] for c in cases if c['kind'] == 'phone'})} countries; "
          f"{sum(c.get('match') == 'other language' for c in cases)} in a chat of another language), "
          f"{len(cases) - n_ph} keep-traps", flush=True)
    predictors = {"ours": ours()}
    if not a.no_presidio:
        predictors["Presidio PhoneRecognizer"] = presidio()
    results = {}
    for name, pred in predictors.items():
        results[name], misses = score(cases, pred)
        if a.misses and name == "ours":
            for c, spans in misses[:a.misses]:
                print("MISS" if c["kind"] == "phone" else "FIRED", c.get("shape") or c.get("category"),
                      c.get("country", ""), c["lang"], repr(c["text"]), [c["text"][s:e] for s, e in spans])
    report(results, list(predictors), a.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
