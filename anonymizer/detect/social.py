"""Social-media handles and profile URLs (Instagram, X/Twitter, TikTok, Snapchat,
LinkedIn, Facebook, Telegram ``t.me``)."""
from __future__ import annotations

from ..render import fakes
from ..textutil import fold
from .base import Finding
from .idrules import has_context, pattern

SOCIAL = "SOCIAL_HANDLE"
# path words that are pages of the site, not people
_SITE_PAGES = {"p", "reel", "reels", "explore", "stories", "share", "watch", "hashtag", "i",
               "home", "search", "login", "signup", "status", "intent", "groups", "events",
               "pages", "joinchat", "s", "tv", "company", "school", "jobs", "feed", "messages"}
_AT_STOP = {"home", "here", "all", "everyone", "channel", "tous", "todos", "alle"}


def find_social(text: str, engine=None) -> list[Finding]:
    out = []
    if "/" in text:
        for m in pattern("profile_url").finditer(text):
            handle = m.group("handle")
            if handle.lower() in _SITE_PAGES:
                continue
            e = m.end()
            while e > m.start() and text[e - 1] in ".,;:!?)":
                e -= 1
            out.append(Finding(m.start(), e, SOCIAL, text[m.start():e], 1.0, "social_url",
                               {"handle": handle, "hs": m.start("handle") - m.start(),
                                "he": m.end("handle") - m.start()}))
    taken = [(f.start, f.end) for f in out]
    if "@" in text:
        names = _participant_tokens(engine)  # only needed here
        for m in pattern("at_handle").finditer(text):
            h = m.group("handle")
            if h.lower() in _AT_STOP or h.isdigit() or any(a <= m.start() < b for a, b in taken):
                continue
            if text[m.start() - 1:m.start()] == "<":
                continue  # "<@U024BE7LH>": a Slack/Discord mention, an account id the format replaces
            marked = any(c in h for c in "._") or any(c.isdigit() for c in h)
            near = has_context(text, m.start(), m.end(), "ChatSocialProfileRecognizer", 60, 30)
            if not (marked or near):
                continue
            if fold(h) in names:
                continue  # "@Camille": a mention of a participant, handled as a name
            out.append(Finding(m.start(), m.end(), SOCIAL, m.group(), 0.9, "social",
                               {"handle": h, "hs": 1, "he": len(m.group())}))
            taken.append((m.start(), m.end()))
    for m in pattern("named_handle").finditer(text):
        s, e = m.start("handle"), m.end("handle")
        if any(a < e and s < b for a, b in taken):
            continue
        h = m.group("handle")
        marked = any(c in h for c in "._") or any(c.isdigit() for c in h) or text[s - 1:s] == "@"
        explicit = bool(text[m.end("site"):s].strip(" @"))  # "insta: x", "snap c'est x"
        if not marked and (not explicit or fold(h) in _COMMON):
            continue
        if text[s - 1:s] == "@":
            s -= 1
        out.append(Finding(s, e, SOCIAL, text[s:e], 0.85, "social",
                           {"handle": h, "hs": e - s - len(h), "he": e - s}))
        taken.append((s, e))
    return out


# words that may follow "insta"/"snap" without being a handle
_COMMON = {"story", "stories", "post", "posts", "photo", "photos", "live", "mdr", "lol", "and", "et", "y",
           "und", "or", "ou", "o", "oder", "the", "le", "la", "les", "el", "der", "die", "das", "is",
           "est", "es", "ist", "ce", "this", "that", "ça", "ca", "moi", "me", "mir", "mich", "tu", "du",
           "te", "you", "pour", "for", "für", "para", "en", "in", "on", "sur", "auf", "with", "avec",
           "mit", "con", "a", "an", "to", "de", "du", "des", "von", "from", "hier", "yesterday",
           "ayer", "gestern", "now", "maintenant", "ahora", "jetzt", "account", "compte", "cuenta",
           "konto", "please", "stp", "svp", "bitte", "porfa", "stories", "message", "messages", "dm",
           "pic", "pics", "video", "vidéo", "videos", "reel", "reels", "filter", "filtre", "streak",
           "streaks", "flamme", "flammes", "group", "groupe", "grupo", "gruppe", "chat", "mp", "msg",
           "aussi", "too", "también", "auch", "pas", "not", "no", "nicht", "quand", "when", "cuando",
           "wenn", "ma", "mon", "my", "mi", "mein", "meine", "ton", "your", "tu", "dein", "deine",
           "son", "his", "her", "su", "sein", "ihr", "jamais", "never", "nunca", "nie", "tout",
           "all", "todo", "alles", "deux", "two", "dos", "zwei", "direct", "privé", "private"}


def _participant_tokens(engine) -> frozenset[str]:
    ids = getattr(engine, "identities", None)
    return ids.folded_name_tokens() if ids is not None else frozenset()


def render_social(f: Finding, engine) -> str:
    hs, he = f.data["hs"], f.data["he"]
    fake = fakes.fake_handle(engine.pmap, f.data["handle"])
    return f.text[:hs] + fake + f.text[he:]
