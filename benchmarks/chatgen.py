"""Deterministic synthetic WhatsApp chats for the throughput benchmark and scale tests.

``generate(lang, n, seed)`` yields the lines of an Android WhatsApp export with ``n``
messages: participants (some saved by name, some only by phone number), mentions of
participants and of people outside the chat, phone numbers in several layouts, URLs,
e-mails, emojis, multi-line messages, media placeholders and system lines.  The same
``(lang, n, seed)`` always gives the same text.
"""
from __future__ import annotations

import random
import unicodedata
from datetime import datetime, timedelta

import phonenumbers

FIRST = {
    "fr": ["Camille", "Hélène", "Thibault", "Léa", "Jean", "Mathilde", "Antoine", "Chloé",
           "Nicolas", "Élodie", "Julien", "Margaux", "Sébastien", "Inès", "Quentin", "Manon",
           "Benoît", "Aurélie", "Maxime", "Océane", "Romain", "Pauline", "Guillaume", "Sarah",
           "Lucas", "Emma", "Hugo", "Clémence", "Arthur", "Juliette"],
    "en": ["Priscilla", "Thaddeus", "Marisol", "Tobias", "Keisha", "Oliver", "Amelia",
           "Harry", "Isla", "George", "Ava", "Noah", "Mia", "Jack", "Ruby", "Leo", "Grace",
           "Oscar", "Freya", "Charlie", "Lily", "Ethan", "Chloe", "Mason", "Zoe", "Liam",
           "Hannah", "Logan", "Nora", "Caleb"],
}
LAST = {
    "fr": ["Martin", "Dupont", "Lefèvre", "Moreau", "Girard", "Fournier", "Lambert",
           "Rousseau", "Garnier", "Chevalier", "Faure", "Mercier", "Blanchard", "Guérin",
           "Boyer", "Roussel", "Leclerc", "Perrin", "Morel", "Lemoine"],
    "en": ["Huang", "Ortega", "Abernathy", "Whitfield", "Carter", "Brennan", "Holloway",
           "Pemberton", "Gallagher", "Okafor", "Sullivan", "Fletcher", "Harrington",
           "Lindqvist", "Donovan", "Marsh", "Kowalski", "Thornton", "Redmond", "Baxter"],
}
EMOJI = ["😂", "😍", "🙏", "👍", "🎉", "❤️", "😅", "🔥", "🌸", "🤔", "😘", "🍕", "⛰️", "👋🏽"]
DOMAINS = ["gmail.com", "orange.fr", "free.fr", "outlook.com", "yahoo.fr", "proton.me"]
SITES = ["https://www.leboncoin.fr/ad/{n}", "https://maps.app.goo.gl/{s}", "https://youtu.be/{s}",
         "https://docs.google.com/document/d/{s}/edit", "www.sncf-connect.com/billet/{n}",
         "https://www.airbnb.fr/rooms/{n}?guests=4", "https://lydia-app.com/collect/{s}"]

TEMPLATES = {
    "fr": [
        "Salut tout le monde ! On se retrouve samedi à 10h devant la gare {e}",
        "Merci {p} pour l'orga {e}",
        "Quelqu'un a le numéro de {o} ? Je dois lui rendre ses clés",
        "Voici mon nouveau numéro : {phone}",
        "Tu peux appeler {o} au {phone}, elle est au courant",
        "Le lien pour la cagnotte : {url}",
        "Envoie-moi le devis à {email} stp",
        "{p} tu as vu le message de {o} ? {e}",
        "Ok ça marche",
        "Trop bien {e}{e}",
        "Je serai en retard, le RER est bloqué 🙄",
        "Voilà le programme :\nJour 1 : arrivée vers 18h\nJour 2 : rando au lac\nJour 3 : retour",
        "<Médias omis>",
        "Ce message a été supprimé",
        "@{mention} tu confirmes pour dimanche ?",
        "C'est {o} qui m'a donné l'adresse, je vous mets le plan : {url}",
        "haha oui carrément",
        "Rdv chez {p} vers 20h, j'apporte le dessert",
        "Je vous transfère le mail de {o} ({email}) :\n« Bonjour à tous, la réunion est décalée à jeudi. »",
        "Bonne nuit {e}",
        "Qui vient au resto vendredi ? Réservation au nom de {o}, tél {phone}",
        "J'ai payé 42,50 € pour les courses, remboursez-moi sur Lydia {e}",
        "Bien reçu, merci !",
        "{p} et {p2} s'occupent des boissons",
        "Appelle le cabinet au {phone} avant midi",
    ],
    "en": [
        "Hi everyone! Meeting at 10 by the station on Saturday {e}",
        "Thanks {p} for organising {e}",
        "Does anyone have {o}'s number? I need to return her keys",
        "My new number is {phone}",
        "You can call {o} on {phone}, she knows",
        "Link for the kitty: {url}",
        "Send me the quote at {email} please",
        "{p} did you see {o}'s message? {e}",
        "Ok sounds good",
        "Love it {e}{e}",
        "Running late, the train is stuck 🙄",
        "Here's the plan:\nDay 1: arrive around 6pm\nDay 2: hike to the lake\nDay 3: back home",
        "<Media omitted>",
        "This message was deleted",
        "@{mention} are you still in for Sunday?",
        "{o} gave me the address, here's the map: {url}",
        "haha yes totally",
        "Dinner at {p}'s around 8, I'll bring dessert",
        "Forwarding the email from {o} ({email}):\n\"Hi all, the meeting moved to Thursday.\"",
        "Good night {e}",
        "Who's coming on Friday? Table booked under {o}, phone {phone}",
        "I paid $42.50 for groceries, pay me back on Venmo {e}",
        "Got it, thanks!",
        "{p} and {p2} are bringing drinks",
        "Call the office on {phone} before noon",
    ],
}
# optional endings, so that long messages rarely repeat word for word (as in real chats)
TAILS = {
    "fr": ["on se dit {h}h ?", "je suis dispo après {h}h", "c'est noté", "grave", "pas de souci",
           "je vous tiens au courant", "bisous", "à {h}h{m} alors", "j'ai {k} minutes de retard",
           "{k} places dispo", "ça roule", "on verra bien", "mdr", "vivement ce week-end",
           "il reste {k} € dans la cagnotte", "je ramène {k} bouteilles"],
    "en": ["shall we say {h}pm?", "free after {h}", "noted", "sure", "no worries", "will keep you posted",
           "xx", "{h}:{m} then", "running {k} minutes late", "{k} seats left", "cool", "we'll see",
           "lol", "can't wait for the weekend", "{k} dollars left in the kitty", "bringing {k} bottles"],
}
SYSTEM = {
    "fr": ["{p} a ajouté {q}", "{p} a changé l'objet du groupe en « Week-end {e} »",
           "{p} est parti(e)"],
    "en": ["{p} added {q}", "{p} changed the subject to \"Weekend {e}\"", "{p} left"],
}


def _ascii(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


PHONES = 300  # distinct phone numbers per chat
EMAILS = 200  # distinct e-mail addresses per chat


def _restyle(phone: str, rng: random.Random, lang: str) -> str:
    """The same French number written another way (06 12… / 06.12… / +33 6 12…)."""
    if lang != "fr":
        return phone
    digits = "".join(c for c in phone if c.isdigit())
    nat = "0" + digits[2:] if digits.startswith("33") else digits
    d = [nat[i:i + 2] for i in range(0, 10, 2)]
    style = rng.randrange(4)
    if style == 0:
        return " ".join(d)
    if style == 1:
        return ".".join(d)
    if style == 2:
        return "+33 " + nat[1] + " " + " ".join(d[1:])
    return nat


def _intl_digits(phone: str, lang: str) -> str:
    """``@33612345678``-style mention digits of a number."""
    digits = "".join(c for c in phone if c.isdigit())
    if phone.startswith("+"):
        return digits
    return "33" + digits[1:] if lang == "fr" else "1" + digits


def _phone(rng: random.Random, lang: str) -> str:
    if lang == "fr":
        d = [rng.randint(10, 99) for _ in range(4)]
        pre = rng.choice(["06", "07"])
        style = rng.randrange(4)
        if style == 0:
            return f"{pre} {d[0]} {d[1]} {d[2]} {d[3]}"
        if style == 1:
            return f"{pre}.{d[0]}.{d[1]}.{d[2]}.{d[3]}"
        if style == 2:
            return f"+33 {pre[1]} {d[0]} {d[1]} {d[2]} {d[3]}"
        return f"{pre}{d[0]}{d[1]}{d[2]}{d[3]}"
    a, b = rng.randint(201, 989), rng.randint(1000, 9999)
    return rng.choice([f"(415) {a}-{b}", f"+1 212 {a} {b}", f"+44 7911 {rng.randint(100000, 999999)}"])


def _people(rng: random.Random, lang: str, k: int) -> list[tuple[str, str]]:
    out, seen = [], set()
    while len(out) < k:
        f, last = rng.choice(FIRST[lang]), rng.choice(LAST[lang])
        if f in seen:
            continue
        seen.add(f)
        out.append((f, last))
    return out


def generate(lang: str = "fr", n: int = 10000, seed: int = 1, gold: list | None = None):
    """Yield the lines (with ``\\n``) of a chat of ``n`` messages.

    ``gold``, if given, receives ``(body, [(kind, value)])`` for every message (name
    values one word each), for recall measurements."""
    rng = random.Random(f"{lang}-{seed}")  # same first messages at every size
    people = _people(rng, lang, 16)
    members = people[:8]
    outsiders = people[8:]
    # as in a real group: a few hundred numbers and addresses, each written many times
    phones = []
    while len(phones) < PHONES:  # valid numbers only (libphonenumber's metadata)
        ph = _phone(rng, lang)
        if phonenumbers.is_valid_number(phonenumbers.parse(ph, "FR" if lang == "fr" else "US")):
            phones.append(ph)
    emails = [_ascii(f"{o[0].lower()}.{o[1].lower()}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}")
              for o in outsiders for _ in range(EMAILS // len(outsiders))]
    labels = []
    for i, (f, last) in enumerate(members):
        if i == 6:
            labels.append("+33 6 48 21 37 95" if lang == "fr" else "+1 415 555 0134")
        elif i % 3 == 0:
            labels.append(f"{f} {last}")
        else:
            labels.append(f)
    t = datetime(2024, 3, 1, 9, 0)
    templates = TEMPLATES[lang]
    if lang == "fr":
        def header(ts):
            return ts.strftime("%d/%m/%Y, %H:%M")
    else:
        def header(ts):
            h = ts.hour % 12 or 12
            return f"{ts.month}/{ts.day}/{ts.strftime('%y')}, {h}:{ts.minute:02d} {'AM' if ts.hour < 12 else 'PM'}"
    yield f"{header(t)} - {labels[0]} " + ("a créé le groupe « Week-end »\n" if lang == "fr"
                                             else "created group \"Weekend\"\n")
    for i in range(n):
        t += timedelta(minutes=rng.choice((0, 1, 1, 2, 5, 17, 60)))
        e = rng.choice(EMOJI)
        if rng.random() < 0.01:
            p, q = rng.choice(labels), rng.choice(members)[0]
            yield f"{header(t)} - " + rng.choice(SYSTEM[lang]).format(p=p, q=q, e=e) + "\n"
            continue
        sender = rng.choice(labels)
        mp = rng.choice(members)
        mp2 = rng.choice(members)
        o = rng.choice(outsiders)
        of = rng.choice((o[0], f"{o[0]} {o[1]}"))
        s = rng.randint(10000, 99999999)
        fill = dict(
            p=rng.choice((mp[0], mp[0].lower(), f"{mp[0]} {mp[1]}")), p2=mp2[0], o=of,
            e=e, phone=_restyle(rng.choice(phones), rng, lang),
            url=rng.choice(SITES).format(n=s, s=format(s * 7919, "x")),
            email=rng.choice(emails),
            mention=_intl_digits(rng.choice(phones), lang))
        tpl = rng.choice(templates)
        body = tpl.format(**fill)
        # (no tail right after a number: "+1 212 544 2421 17:00 then" is a known miss, see README)
        if rng.random() < 0.6 and not body.startswith("<") and not body[-1:].isdigit():
            body += " " + rng.choice(TAILS[lang]).format(h=rng.randint(7, 22), m=rng.choice(
                ("00", "15", "30", "45")), k=rng.randint(2, 40))
        if gold is not None:
            items = []
            for slot, kind in (("p", "PERSON"), ("p2", "PERSON"), ("o", "PERSON"),
                               ("phone", "PHONE_NUMBER"), ("url", "URL"),
                               ("email", "EMAIL_ADDRESS"), ("mention", "PHONE_NUMBER")):
                if "{" + slot + "}" in tpl:
                    vals = fill[slot].split() if kind == "PERSON" else [fill[slot]]
                    items += [(kind, v) for v in vals]
            gold.append((body, items))
        yield f"{header(t)} - {sender}: {body}\n"


def write(path, lang: str, n: int, seed: int = 1) -> int:
    """Write a chat to ``path``; returns its size in bytes."""
    size = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        buf = []
        for line in generate(lang, n, seed):
            buf.append(line)
            if len(buf) >= 5000:
                chunk = "".join(buf)
                fh.write(chunk)
                size += len(chunk.encode("utf-8"))
                buf = []
        chunk = "".join(buf)
        fh.write(chunk)
        size += len(chunk.encode("utf-8"))
    return size


def labelled(lang: str, n: int, seed: int = 1) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(body, [(kind, value)])`` of the first ``n`` messages (system lines aside)."""
    gold: list = []
    for _ in generate(lang, n, seed, gold):
        pass
    return gold
