#!/usr/bin/env python3
"""Generate the synthetic chat-export samples under samples/ and samples/manifest.json.

Everything here is invented: no real people, fictional/"555"/Ofcom-drama-range
style phone numbers that still look valid, made-up e-mail addresses and URLs.

Run from anywhere:  python samples/make_samples.py
Files are written with newline='' so CRLF, BOM and invisible characters
(U+202F NNBSP, U+200E LRM, U+00A0 NBSP, U+202A/U+202C, U+2068/U+2069, U+2011)
are exact.  The script re-reads what it wrote, counts message headers with a
per-layout regex and checks the manifest lists (every name/phone/url/email/keep
string must occur in the file; keep words must not contain a name token).

manifest.json maps each file path (relative to the repo root) to:
  format          "whatsapp" | "chunk" | "plain"
  layout          short layout id
  authored_messages  how many of those have a participant as sender (the others are
                  Android author-less system lines and iOS chat-name lines; iOS system
                  lines whose sender is the actor, e.g. "~ Nev: <LRM>~ Nev joined ...",
                  count as authored because parsers see an author there)
  messages        number of lines that start a new message (system lines included),
                  counted with header_regex on the written file (BOM removed, lines
                  split on LF, trailing CR removed); 0 for plain text
  participants    sender labels as written, without the iOS "~\u202f" prefix and the
                  U+202A/U+202C wrappers
  system_senders  iOS chat names used as the sender of system lines (not people)
  names           every surface form of people's first names/surnames in the file
                  (case and accent variants too, including those inside e-mails/URLs)
  phones/urls/emails  exactly as written
  keep            strings that must survive anonymisation unchanged
  extra: language, eol, bom, header_regex, whatstk_hformat, chunks (chunk files)
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

NNBSP = "\u202f"
NBSP = "\u00a0"
LRM = "\u200e"
LRE_OPEN = "\u202a"   # LEFT-TO-RIGHT EMBEDDING, iOS wraps phone numbers in it
PDF_CLOSE = "\u202c"  # POP DIRECTIONAL FORMATTING
FSI = "\u2068"        # FIRST STRONG ISOLATE (iOS @mentions)
PDI = "\u2069"        # POP DIRECTIONAL ISOLATE
NBHY = "\u2011"       # NON-BREAKING HYPHEN
BOM = "\ufeff"
TILDE = "~" + NNBSP   # iOS push-name prefix

E2E_EN = ("Messages and calls are end-to-end encrypted. No one outside of this chat, "
          "not even WhatsApp, can read or listen to them. Tap to learn more.")
E2E_EN_IOS = ("Messages and calls are end-to-end encrypted. No one outside of this chat, "
              "not even WhatsApp, can read or listen to them.")
E2E_EN_OLD = "Messages to this group are now secured with end-to-end encryption. Tap for more info."
E2E_FR = ("Les messages et les appels sont chiffrés de bout en bout. Aucun tiers, pas même "
          "WhatsApp, ne peut les lire ou les écouter. Appuyez pour en savoir plus.")
E2E_FR_OLD = ("Les messages envoyés dans ce groupe sont désormais protégés avec le chiffrement "
              "de bout en bout. Appuyez pour plus d'informations.")
E2E_DE = ("Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses "
          "Chats kann sie lesen oder anhören, nicht einmal WhatsApp. Tippe, um mehr zu erfahren.")
E2E_DE_IOS = ("Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses "
              "Chats kann sie lesen oder anhören, nicht einmal WhatsApp.")
E2E_ES = ("Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de este "
          "chat, ni siquiera WhatsApp, puede leerlos ni escucharlos. Toca para obtener más información.")


def ios_sender_label(sender: str) -> str:
    """Sender label without the iOS push-name tilde and U+202A/U+202C wrappers."""
    s = sender
    if s.startswith(TILDE):
        s = s[len(TILDE):]
    return s.replace(LRE_OPEN, "").replace(PDF_CLOSE, "")


class Chat:
    """A WhatsApp text export built from records.

    android=True : header is "<ts> - " and a message is "<ts> - Sender: body",
                   a system line is "<ts> - body".
    android=False: header is "[<ts>] " (optionally preceded by LRM) and every
                   record has a sender (chat name or actor for system lines).
    """

    def __init__(self, rel, layout, header_regex, *, android, eol="\n", inner_eol=None,
                 bom=False, tsfix=None, hformat=None, language=None, notes=None):
        self.rel = rel
        self.layout = layout
        self.header_regex = header_regex
        self.android = android
        self.eol = eol
        self.inner_eol = eol if inner_eol is None else inner_eol
        self.bom = bom
        self.tsfix = tsfix or (lambda t: t)
        self.hformat = hformat
        self.language = language
        self.notes = notes
        self.records = []          # list of str (with "\n" for continuation lines)
        self.senders = []          # ordered, raw sender strings of real messages
        self.system_senders = []   # iOS chat-name senders of system lines
        self.n_authored = 0        # records written with m() (not system lines)

    def _add_sender(self, lst, sender):
        if sender not in lst:
            lst.append(sender)

    def m(self, ts, sender, body, lrm=False):
        """A message written by `sender`."""
        ts = self.tsfix(ts)
        if self.android:
            rec = f"{ts} - {sender}: {body}"
        else:
            rec = f"{LRM if lrm else ''}[{ts}] {sender}: {body}"
        self._add_sender(self.senders, sender)
        self.n_authored += 1
        self.records.append(rec)

    def s(self, ts, body, chat=None, lrm_body=True):
        """An author-less system line (Android) or a chat-name system line (iOS)."""
        ts = self.tsfix(ts)
        if self.android:
            rec = f"{ts} - {body}"
        elif chat is None:      # iOS line without any sender (seen in some exports)
            rec = f"[{ts}] {body}"
        else:
            rec = f"[{ts}] {chat}: {LRM if lrm_body else ''}{body}"
            self._add_sender(self.system_senders, chat)
        self.records.append(rec)

    def render(self):
        parts = [r.replace("\n", self.inner_eol) for r in self.records]
        text = self.eol.join(parts) + self.eol
        return (BOM if self.bom else "") + text

    def participants(self):
        return [ios_sender_label(s) if not self.android else s for s in self.senders]


# --------------------------------------------------------------------------
# header regexes (applied to a line after removing a leading BOM)
# --------------------------------------------------------------------------
RX = {
    "android_fr_24h": r"^\d{2}/\d{2}/\d{4}, \d{2}:\d{2} - ",
    "android_fr_a": r"^\d{2}/\d{2}/\d{4} à \d{2}:\d{2} - ",
    "android_fr_nocomma": r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2} - ",
    "android_en_us_12h_nnbsp": r"^\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}\u202f[AP]M - ",
    "android_en_us_12h_space": r"^\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2} [AP]M - ",
    "android_de_dots": r"^\d{2}\.\d{2}\.\d{2}, \d{2}:\d{2} - ",
    "android_es_pm": r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2} [ap]\.\u00a0m\. - ",
    "android_iso": r"^\d{4}-\d{2}-\d{2}, \d{2}:\d{2} - ",
    "ios_en_bracket_comma": r"^\u200e?\[\d{1,2}/\d{1,2}/\d{2}, \d{2}:\d{2}:\d{2}\] ",
    "ios_en_12h": r"^\u200e?\[\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}:\d{2}\u202f[AP]M\] ",
    "ios_de_dots": r"^\u200e?\[\d{2}\.\d{2}\.\d{2}, \d{2}:\d{2}:\d{2}\] ",
    "ios_nocomma": r"^\u200e?\[\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}\] ",
    "ios_fi_dotted_time": r"^\u200e?\[\d{1,2}\.\d{1,2}\.\d{4}, \d{1,2}\.\d{2}\.\d{2}\] ",
    "android_en_gb_24h": r"^\d{2}/\d{2}/\d{4}, \d{2}:\d{2} - ",
}

nnbsp_ampm = lambda t: t.replace(" AM", NNBSP + "AM").replace(" PM", NNBSP + "PM")
es_ampm = lambda t: t.replace(" pm", " p." + NBSP + "m.").replace(" am", " a." + NBSP + "m.")

SPECS = []  # list of dicts (chat or raw text + manifest data)


def add(chat_or_text, **meta):
    SPECS.append(dict(obj=chat_or_text, **meta))


# ==========================================================================
# 1. Android, French, 24h, "dd/mm/yyyy, HH:MM - "
# ==========================================================================
c = Chat("samples/whatsapp/android_fr_24h.txt", "android_fr_24h", RX["android_fr_24h"],
         android=True, hformat="%d/%m/%Y, %H:%M - %name:", language="fr")
P1 = "+33 6 12 34 56 78"
P2 = "+33 6 98 76 54 32"
d = "22/01/2025, "
c.s(d + "18:30", E2E_FR)
c.s(d + "18:30", 'Camille a créé le groupe "Rando 2025"')
c.s(d + "18:31", "Camille a ajouté Hélène Martin")
c.s(d + "18:31", "Camille a ajouté Léa 🌸")
c.s(d + "18:32", f"{P1} a rejoint via le lien d'invitation de ce groupe")
c.m(d + "18:43", "Camille", "Salut tout le monde ! On part lundi 3 février de Paris, départ 7h30 gare de Lyon.\n"
                            "Chacun prend son pique-nique pour le premier jour.")
c.m(d + "18:44", "Léa 🌸", "Trop bien 😍 merci camille pour l'orga !")
c.m(d + "18:45", P1, "Coucou, c'est Thibault, le cousin de Léa. Mon numéro si besoin : 06.12.34.56.78")
c.m(d + "18:46", "Camille", "Bienvenue @33612345678 ! Je t'enregistre tout de suite.")
c.m(d + "18:47", "Hélène Martin", "<Médias omis>")
c.m(d + "18:48", "Hélène Martin", "Voilà le parcours prévu :\n"
                                  "Jour 1 : Chamonix → refuge du Lac Blanc\n"
                                  "Jour 2 : refuge → Argentière\n"
                                  "Prévoir les crampons si ça gèle.")
c.m(d + "18:50", "Camille", "Super, merci helene 🙏 Pour les crampons, Dupont en a deux paires je crois.")
c.m(d + "18:51", "Camille", "Jean Dupont.vcf (fichier joint)")
c.s(d + "18:51", "Camille a ajouté Jean Dupont")
c.m(d + "18:53", "Jean Dupont", "Salut ! Oui j'ai deux paires, je les dépose chez Hélène jeudi.")
c.m(d + "18:55", "Léa 🌸", "Ce message a été supprimé")
c.m(d + "18:56", "Léa 🌸", "On peut mettre les sacs dans la voiture de Jean ? Sinon mon frère Bastien peut prêter la sienne.")
c.m(d + "18:58", "Jean Dupont", "Oui, 4 places. Rendez-vous à 7h15 devant la gare <Ce message a été modifié>")
c.m(d + "19:02", P1, "IMG-20250122-WA0001.jpg (fichier joint)")
c.m(d + "19:03", P1, "La météo pour le week-end : www.meteoblue.com/fr/meteo/semaine/argentiere_france")
c.m(d + "19:05", "Hélène Martin", "Pour le refuge j'ai réservé au nom de Martin, 5 personnes. "
                                  "Confirmation envoyée à helene.martin@gmail.com\n"
                                  "Le gardien, c'est le +33 (0)6 71 82 93 04 si jamais on est en retard.")
c.m(d + "19:06", "Camille", "Parfait. Mes photos de l'an dernier sont sur instagram.com/camille.rando si vous voulez voir le coin")
c.s(d + "21:40", f"{P2} a rejoint via le lien d'invitation de ce groupe")
c.m(d + "21:41", P2, "Bonsoir ! C'est Margaux, Camille m'a filé le lien 😊")
d = "23/01/2025, "
c.s(d + "08:15", "Jean Dupont est parti")
c.m(d + "08:17", "Camille", "Jean est parti par erreur 😅 je le rajoute")
c.s(d + "08:17", "Camille a ajouté Jean Dupont")
c.m(d + "08:20", "Léa 🌸", "Ahah classique. Bon, à lundi tout le monde ! Et merci encore Camille ❤️")
add(c, format="whatsapp",
    names=["Camille", "Léa", "Thibault", "Hélène", "Martin", "Jean", "Dupont", "Bastien", "Margaux"],
    phones=[P1, P2, "33612345678", "06.12.34.56.78", "+33 (0)6 71 82 93 04"],
    urls=["www.meteoblue.com/fr/meteo/semaine/argentiere_france", "instagram.com/camille.rando"],
    emails=["helene.martin@gmail.com"],
    keep=["Salut", "lundi", "février", "Paris", "Lyon", "Chamonix", "merci", "Bienvenue", "crampons",
          "refuge", "WhatsApp", "Médias omis", "Ce message a été supprimé", "Ce message a été modifié",
          "fichier joint", "Rendez-vous", "Bonsoir", "jeudi", "Argentière",
          "IMG-20250122-WA0001.jpg"])

# ==========================================================================
# 2. Android, French, older "dd/mm/yyyy à HH:MM - "
# ==========================================================================
c = Chat("samples/whatsapp/android_fr_a.txt", "android_fr_a", RX["android_fr_a"],
         android=True, hformat="%d/%m/%Y à %H:%M - %name:", language="fr")
P = "+33 7 81 23 45 67"
d = "26/09/2019 à "
c.s(d + "22:30", E2E_FR_OLD)
c.s(d + "22:30", 'Gaëlle a créé le groupe "Anniv surprise 🎂"')
c.s(d + "22:31", f"Gaëlle a ajouté Yannick Kerbrat, Anaïs Morvan et {P}")
c.m(d + "22:39", "Gaëlle", "Salut :) Comme prévu, on organise la soirée surprise pour les 30 ans de Tristan le samedi 12 octobre.")
c.m(d + "22:41", "Yannick Kerbrat", "Top ! Je m'occupe des boissons. Tristan ne se doute de rien ?")
c.m(d + "22:42", "Gaëlle", "Rien du tout 🤫 Anaïs, tu peux réserver la salle ?")
c.m(d + "22:45", "Anaïs Morvan", "Oui ! J'appelle demain le bar à Rennes, leur numéro c'est le 02 99 12 34 56")
c.m(d + "22:47", P, "Coucou c'est Erwan (le coloc de Tristan) 👋 je peux l'occuper tout l'après-midi")
c.m(d + "22:48", "Gaëlle", "Parfait Erwan, merci ! Je t'ajoute à mes contacts.")
c.m(d + "22:50", "Yannick Kerbrat", "<Médias omis>")
c.m(d + "22:50", "Yannick Kerbrat", "Idée de cadeau : le vinyle qu'il voulait, dispo ici https://www.discogs.com/fr/sell/list?q=homework")
d = "27/09/2019 à "
c.m(d + "09:12", "Anaïs Morvan", "Salle réservée pour 25 personnes 🎉 Acompte de 50 € à virer, "
                                 "le RIB est parti par mail à gaelle.guivarch@free.fr")
c.m(d + "09:15", "Gaëlle", "Ce message a été supprimé")
c.m(d + "09:16", "Gaëlle", "Merci Anaïs ! Je vire ça ce soir. Yannick tu peux demander à ta sœur pour la sono ?")
c.m(d + "09:30", "Yannick Kerbrat", "Elle est d'accord 👍\nElle passe la déposer vendredi soir chez Gaëlle.\n"
                                    "Kerbrat junior sera là aussi pour aider.")
c.m(d + "12:20", "Anaïs Morvan", "Dernière chose : ne dites rien à Tristan, il lit par-dessus l'épaule de tout le monde 😂")
c.m(d + "12:24", P, "Promis. Et si besoin mon fixe : 02 99 65 43 21")
add(c, format="whatsapp",
    names=["Gaëlle", "Yannick", "Kerbrat", "Anaïs", "Morvan", "Tristan", "Erwan", "Guivarch"],
    phones=[P, "02 99 12 34 56", "02 99 65 43 21"],
    urls=["https://www.discogs.com/fr/sell/list?q=homework"],
    emails=["gaelle.guivarch@free.fr"],
    keep=["Salut", "samedi", "octobre", "Rennes", "Merci", "vendredi", "Top", "Médias omis",
          "Ce message a été supprimé", "cadeau", "Promis"])

# ==========================================================================
# 3. Android, French, no comma "dd/mm/yyyy HH:MM - "
# ==========================================================================
c = Chat("samples/whatsapp/android_fr_nocomma.txt", "android_fr_nocomma", RX["android_fr_nocomma"],
         android=True, hformat="%d/%m/%Y %H:%M - %name:", language="fr")
P = "+32 470 12 34 56"
d = "12/03/2025 "
c.s(d + "09:00", 'Fatou a créé le groupe "Soutien scolaire Bellevue"')
c.s(d + "09:00", E2E_FR)
c.s(d + "09:01", "Fatou a ajouté Ousmane Sarr")
c.s(d + "09:01", "Fatou a ajouté Inès Benali")
c.m(d + "09:14", "Fatou", "Bonjour à tous ! Rappel : atelier devoirs mercredi 14h à la médiathèque.")
c.m(d + "09:20", "Ousmane Sarr", "Bonjour Fatou, je serai là. Je peux prendre le groupe des CM2.")
c.m(d + "09:22", "Inès Benali", "Moi aussi 🙋‍♀️ Par contre je pars à 16h.")
c.m(d + "09:25", "Fatou", "Merci ousmane et ines ❤️")
c.s(d + "09:31", f"{P} a rejoint via le lien d'invitation de ce groupe")
c.m(d + "09:32", P, "Bonjour, je suis Aurélien, le papa de Yanis (CM1). Est-ce qu'il reste de la place mercredi ?")
c.m(d + "09:40", "Fatou", "Bonjour Aurélien, oui bien sûr ! Vous pouvez m'écrire à fatou.diallo@laposte.net pour l'inscription.")
c.m(d + "09:41", "Fatou", "<Médias omis>")
c.m(d + "09:41", "Fatou", "La fiche d'inscription est aussi sur https://www.facebook.com/groups/soutien.bellevue")
c.m(d + "10:05", P, "Merci beaucoup 🙏 Je vous envoie ça ce soir. Mon autre numéro : 0470 65 43 21")
c.m(d + "10:07", "Inès Benali", "Ce message a été supprimé")
c.m(d + "10:08", "Inès Benali", "Fatou, la salle B est réservée au nom de Benali. <Ce message a été modifié>")
d = "13/03/2025 "
c.m(d + "18:45", "Ousmane Sarr", "PTT-20250313-WA0002.opus (fichier joint)")
c.m(d + "18:46", "Ousmane Sarr", "Désolé pour le vocal, en gros :\nje ramène les cahiers de Yanis et de Lina\net Sarr senior apporte le goûter.")
c.m("14/03/2025 08:02", "Fatou", "Merci à tous, bonne journée ! ☀️")
add(c, format="whatsapp",
    names=["Fatou", "Ousmane", "Sarr", "Inès", "Benali", "Aurélien", "Yanis", "Lina", "Diallo"],
    phones=[P, "0470 65 43 21"],
    urls=["https://www.facebook.com/groups/soutien.bellevue"],
    emails=["fatou.diallo@laposte.net"],
    keep=["Bonjour", "Rappel", "mercredi", "médiathèque", "Merci", "CM2", "Médias omis",
          "Ce message a été supprimé", "Ce message a été modifié", "goûter",
          "PTT-20250313-WA0002.opus"])

# ==========================================================================
# 4. Android, en-US, 12h with NNBSP before AM/PM
# ==========================================================================
c = Chat("samples/whatsapp/android_en_us_12h_nnbsp.txt", "android_en_us_12h_nnbsp",
         RX["android_en_us_12h_nnbsp"], android=True, tsfix=nnbsp_ampm,
         hformat="%m/%d/%y, %I:%M %p - %name:", language="en")
P = "+1 415 555 0132"
c.s("1/4/23, 6:58 PM", E2E_EN)
c.s("1/4/23, 6:58 PM", 'Alice created group "Trip"')
c.s("1/4/23, 6:58 PM", "You were added")
c.s("1/4/23, 6:59 PM", "Alice added Bob")
c.m("1/4/23, 7:02 PM", "Alice", "Hi all! Yosemite is on for Friday, January 13. Bob's van or mine?")
c.m("1/4/23, 7:04 PM", "Bob", "Van for sure. It fits 6 + gear.")
c.m("1/4/23, 7:05 PM", "Dwayne Kowalczyk", "<Media omitted>")
c.m("1/4/23, 7:05 PM", "Dwayne Kowalczyk", "That's the campsite, Upper Pines. Booking is under Kowalczyk, "
                                          "confirmation went to dwayne.kowalczyk@yahoo.com")
c.s("1/4/23, 7:10 PM", f"{P} joined using this group's invite link")
c.m("1/4/23, 7:11 PM", P, "Hey it's Marguerite, Alice's roommate 👋 can I tag along?")
c.m("1/4/23, 7:12 PM", "Alice", "Of course! @14155550132 welcome 🎉")
c.m("1/4/23, 7:15 PM", "Bob", "This message was deleted")
c.m("1/4/23, 7:16 PM", "Bob", "Gas money: Venmo me, it's linked to (415) 555-0198 <This message was edited>")
c.m("1/4/23, 9:47 PM", "Dwayne Kowalczyk", "Packing list:\n- tent\n- bear canister (mandatory!)\n- headlamps\nAnything else?")
c.m("1/4/23, 9:50 PM", "Alice", "Snacks. Lots of snacks. And check https://www.nps.gov/yose/planyourvisit/conditions.htm before we go")
c.m("1/5/23, 8:03 AM", P, "IMG-20230105-WA0003.jpg (file attached)")
c.m("1/5/23, 8:04 AM", P, "my insta if you wanna see last year's pics: instagram.com/marguerite.hikes")
c.s("1/5/23, 12:15 PM", "Bob left")
c.m("1/5/23, 12:16 PM", "Alice", "lol bob left by accident, re-adding him")
c.s("1/5/23, 12:16 PM", "Alice added Bob")
c.m("1/5/23, 12:20 PM", "Bob", "Oops 😅 thanks alice")
add(c, format="whatsapp",
    names=["Alice", "Bob", "Dwayne", "Kowalczyk", "Marguerite"],
    phones=[P, "14155550132", "(415) 555-0198"],
    urls=["https://www.nps.gov/yose/planyourvisit/conditions.htm", "instagram.com/marguerite.hikes"],
    emails=["dwayne.kowalczyk@yahoo.com"],
    keep=["Yosemite", "Friday", "January", "Venmo", "Snacks", "campsite", "Upper Pines", "Oops",
          "Media omitted", "This message was deleted", "This message was edited", "WhatsApp", "headlamps",
          "IMG-20230105-WA0003.jpg"])

# ==========================================================================
# 5. Android, en-US, 12h with a plain space before AM/PM (older export)
# ==========================================================================
c = Chat("samples/whatsapp/android_en_us_12h_space.txt", "android_en_us_12h_space",
         RX["android_en_us_12h_space"], android=True,
         hformat="%m/%d/%y, %I:%M %p - %name:", language="en")
P = "+1 212 555 0147"
c.s("3/9/19, 9:15 AM", E2E_EN_OLD)
c.s("3/9/19, 9:15 AM", 'Marisol Ortega created group "Book Club 📚"')
c.s("3/9/19, 9:16 AM", "Marisol Ortega added Tobias")
c.s("3/9/19, 9:16 AM", "Marisol Ortega added Keisha Abernathy")
c.m("3/9/19, 9:20 AM", "Marisol Ortega", "Welcome! First pick is Middlemarch. Meeting Sunday March 24 at my place.")
c.m("3/9/19, 9:22 AM", "Tobias", "Yes!! Finally a classic.")
c.m("3/9/19, 9:25 AM", "Keisha Abernathy", "I'm in. Marisol what's the address again?")
c.m("3/9/19, 9:31 AM", "Marisol Ortega", "Sent it to you privately. Buzzer says Ortega, top floor.")
c.m("3/9/19, 10:02 AM", "Tobias", "<Media omitted>")
c.m("3/9/19, 10:03 AM", "Tobias", "Found a cheap copy at https://www.abebooks.com/servlet/SearchResults?kn=middlemarch")
c.s("3/9/19, 12:40 PM", f"{P} joined using this group's invite link")
c.m("3/9/19, 12:41 PM", P, "Hi, Keisha's sister Imani here! Can I join the club?")
c.m("3/9/19, 12:45 PM", "Keisha Abernathy", "Yay 🥳 @12125550147 welcome")
c.m("3/9/19, 1:10 PM", "Tobias", "This message was deleted")
c.m("3/9/19, 1:11 PM", "Tobias", "Who's bringing wine? I can do cheese.")
c.m("3/9/19, 3:30 PM", "Marisol Ortega", "I'll handle wine. Reminder: chapters 1-10 for Sunday!\nAnd bring questions.")
c.m("3/10/19, 8:05 AM", P, "If anyone needs a ride, text me at 212-555-0163 or email imani.abernathy@gmail.com")
c.m("3/10/19, 11:59 PM", "Keisha Abernathy", "tobias you're on snacks duty too 😂")
c.s("3/11/19, 7:45 AM", "Tobias left")
add(c, format="whatsapp",
    names=["Marisol", "Ortega", "Tobias", "Keisha", "Abernathy", "Imani"],
    phones=[P, "12125550147", "212-555-0163"],
    urls=["https://www.abebooks.com/servlet/SearchResults?kn=middlemarch"],
    emails=["imani.abernathy@gmail.com"],
    keep=["Welcome", "Middlemarch", "Sunday", "March", "wine", "cheese", "Reminder", "Buzzer",
          "Media omitted", "This message was deleted", "end-to-end encryption"])

# ==========================================================================
# 6. Android, German, "dd.mm.yy, HH:MM - "
# ==========================================================================
c = Chat("samples/whatsapp/android_de_dots.txt", "android_de_dots", RX["android_de_dots"],
         android=True, hformat="%d.%m.%y, %H:%M - %name:", language="de")
P = "+49 151 23456789"
d = "03.08.21, "
c.s(d + "12:20", E2E_DE)
c.s(d + "12:20", "Jonas Weber hat die Gruppe „Grillen Samstag“ erstellt")
c.s(d + "12:21", "Du wurdest hinzugefügt")
c.s(d + "12:21", "Jonas Weber hat Friederike Hoffmann hinzugefügt")
c.m(d + "12:30", "Jonas Weber", "Hallo zusammen! Samstag, 7. August ab 15 Uhr grillen im Englischen Garten?")
c.m(d + "12:32", "Merve Yıldız", "Bin dabei 🙌 Ich bringe Salat mit.")
c.m(d + "12:35", "Friederike Hoffmann", "Super Idee, Jonas! Kann ich noch jemanden mitbringen?")
c.m(d + "12:36", "Jonas Weber", "Klar, je mehr desto besser.")
c.s(d + "13:02", f"{P} ist über den Einladungslink dieser Gruppe beigetreten")
c.m(d + "13:03", P, "Hi, ich bin Konstantin, Friederikes Freund 😊 Für Notfälle: 0151 2345 6789")
c.m(d + "13:05", "Merve Yıldız", "Willkommen @4915123456789 👋")
c.m(d + "13:10", "Jonas Weber", "<Medien ausgeschlossen>")
c.m(d + "13:10", "Jonas Weber", "Treffpunkt ist hier: https://maps.app.goo.gl/Xk3vQp9LmZ2aB7cD8")
c.m(d + "13:15", "Friederike Hoffmann", "Diese Nachricht wurde gelöscht")
c.m(d + "13:16", "Friederike Hoffmann", "Falls jemand später kommt, meine Nummer: 0176/98765432")
c.m(d + "13:20", "Jonas Weber", "Wer bringt den Grill mit? Hoffmann hat doch so einen großen 😄 <Diese Nachricht wurde bearbeitet>")
c.m(d + "18:45", "Friederike Hoffmann", "Ja, mein Grill kommt mit.\nAber jemand muss Kohle kaufen.\njonas?")
d = "04.08.21, "
c.m(d + "09:00", "Jonas Weber", "Mach ich. Einkaufsliste:\n- Kohle\n- Würstchen\n- Halloumi für Merve")
c.m(d + "09:05", "Merve Yıldız", "IMG-20210804-WA0007.jpg (Datei angehängt)")
c.m(d + "09:06", "Merve Yıldız", "Meine Mail, falls ihr die Fotos wollt: merve.yildiz@gmx.de")
c.s("05.08.21, 22:14", f"{P} hat die Gruppe verlassen")
c.m("06.08.21, 10:00", "Jonas Weber", "Danke an alle, bis Samstag! Grüße aus München")
add(c, format="whatsapp",
    names=["Jonas", "Weber", "Friederike", "Hoffmann", "Merve", "Yıldız", "yildiz", "Konstantin"],
    phones=[P, "4915123456789", "0151 2345 6789", "0176/98765432"],
    urls=["https://maps.app.goo.gl/Xk3vQp9LmZ2aB7cD8"],
    emails=["merve.yildiz@gmx.de"],
    keep=["Hallo", "Samstag", "August", "Englischen Garten", "Salat", "Danke", "Grüße", "München",
          "Kohle", "Halloumi", "Medien ausgeschlossen", "Diese Nachricht wurde gelöscht",
          "Diese Nachricht wurde bearbeitet", "Willkommen", "Treffpunkt",
          "IMG-20210804-WA0007.jpg"])

# ==========================================================================
# 7. Android, Spanish, 12h "d/m/yyyy h:mm p. m. - " (NBSP inside "p. m.")
# ==========================================================================
c = Chat("samples/whatsapp/android_es_pm.txt", "android_es_pm", RX["android_es_pm"],
         android=True, tsfix=es_ampm, hformat="%d/%m/%Y %I:%M %p - %name:", language="es")
P = "+34 612 34 56 78"
d = "20/6/2017 "
c.s(d + "8:15 pm", E2E_ES)
c.s(d + "8:15 pm", 'Ximena Olmedo creó el grupo "Cumple Lucía 🎂"')
c.s(d + "8:16 pm", "Te añadieron")
c.s(d + "8:16 pm", "Ximena Olmedo añadió a Joaquín Medina")
c.m(d + "8:28 pm", "Ximena Olmedo", "¡Hola a todos! La fiesta sorpresa de Lucía es el viernes 30 de junio en Madrid.")
c.m(d + "8:30 pm", "Joaquín Medina", "¡Genial! ¿Dónde?")
c.m(d + "8:31 pm", "Ximena Olmedo", "En casa de Joaquín, si le parece bien 😅")
c.m(d + "8:33 pm", "Joaquín Medina", "Claro. Mi dirección os la paso por privado.")
c.s(d + "8:40 pm", f"{P} se unió usando el enlace de invitación de este grupo")
c.m(d + "8:41 pm", P, "Hola, soy Nuria, la prima de Lucía 👋")
c.m(d + "8:45 pm", "Álvaro Benítez", "Bienvenida @34612345678 🙌")
c.m(d + "8:50 pm", "Ximena Olmedo", "<Multimedia omitido>")
c.m(d + "8:50 pm", "Ximena Olmedo", "Esta es la tarta que he encargado. Pagamos a medias, mi Bizum es el 689 12 34 56")
c.m(d + "9:02 pm", "Joaquín Medina", "Se eliminó este mensaje")
c.m(d + "9:03 pm", "Joaquín Medina", "Perdón, era para otro chat 🙈")
c.m(d + "11:58 pm", "Álvaro Benítez", "Lista:\n- globos\n- velas\n- música (joaquin se encarga)")
d = "21/6/2017 "
c.m(d + "7:45 am", "Ximena Olmedo", "¡Buenos días! Escribidme a ximena.olmedo@hotmail.es si queréis la playlist: "
                                    "https://open.spotify.com/playlist/3nQk8TfiestaSorpresa")
c.s(d + "9:10 am", "Joaquín Medina salió del grupo")
c.s(d + "9:12 am", "Ximena Olmedo añadió a Joaquín Medina")
c.m(d + "9:13 am", "Joaquín Medina", "Uy, sin querer 😅 Gracias Ximena. Olmedo siempre al rescate.")
add(c, format="whatsapp",
    names=["Ximena", "Olmedo", "Lucía", "Joaquín", "Medina", "Nuria", "Álvaro", "Benítez"],
    phones=[P, "34612345678", "689 12 34 56"],
    urls=["https://open.spotify.com/playlist/3nQk8TfiestaSorpresa"],
    emails=["ximena.olmedo@hotmail.es"],
    keep=["Hola", "Madrid", "viernes", "junio", "Gracias", "Bizum", "Buenos días", "globos",
          "Multimedia omitido", "Se eliminó este mensaje", "Bienvenida"])

# ==========================================================================
# 8. Android, ISO date "yyyy-mm-dd, HH:MM - "
# ==========================================================================
c = Chat("samples/whatsapp/android_iso.txt", "android_iso", RX["android_iso"],
         android=True, hformat="%Y-%m-%d, %H:%M - %name:", language="en")
P = "+55 11 91234-5678"
d = "2024-03-05, "
c.s(d + "13:55", E2E_EN)
c.s(d + "13:55", 'Ingrid Solberg created group "Offsite planning"')
c.s(d + "13:56", "Ingrid Solberg added Rafael Souza and Kenji Watanabe")
c.m(d + "14:02", "Ingrid Solberg", "Hi both, quick one: can we do the offsite in Lisbon the week of April 15?")
c.m(d + "14:05", "Kenji Watanabe", "Works for me. I'm flying in from Tokyo so a Monday arrival is best.")
c.m(d + "14:06", "Rafael Souza", "Lisbon 👍 my colleague Beatriz can host us at the Alfama office.")
c.m(d + "14:10", "Rafael Souza", f"Her number is {P}, she's on WhatsApp")
c.s(d + "14:20", f"{P} joined using this group's invite link")
c.m(d + "14:21", P, "Olá! Beatriz here. Happy to host, the room fits 12.")
c.m(d + "14:25", "Ingrid Solberg", "Amazing, thanks Beatriz! Kenji, can you share the agenda doc?")
c.m(d + "14:30", "Kenji Watanabe", "https://docs.google.com/document/d/1aBcDeFgHiJkLmNoPqRsTuVwXyZ/edit")
c.m(d + "14:31", "Kenji Watanabe", "<Media omitted>")
c.m(d + "14:33", "Rafael Souza", "This message was deleted")
c.m(d + "14:35", "Ingrid Solberg", "Let's keep Watanabe-san's slot for Tuesday morning.\nSouza does the wrap-up on Wednesday.")
d = "2024-03-06, "
c.m(d + "09:12", "Ingrid Solberg", "Reminder: send travel details to ingrid.solberg@outlook.com by Friday <This message was edited>")
c.m(d + "09:40", "Kenji Watanabe", "Booked. JAL flight lands Monday 07:40. In emergencies: +81 90-1234-5678")
c.m(d + "10:02", "Rafael Souza", "kenji you legend 🙌")
c.s("2024-03-07, 18:00", "Kenji Watanabe left")
add(c, format="whatsapp",
    names=["Ingrid", "Solberg", "Rafael", "Souza", "Kenji", "Watanabe", "Beatriz"],
    phones=[P, "+81 90-1234-5678"],
    urls=["https://docs.google.com/document/d/1aBcDeFgHiJkLmNoPqRsTuVwXyZ/edit"],
    emails=["ingrid.solberg@outlook.com"],
    keep=["Lisbon", "Tokyo", "Monday", "April", "Friday", "Tuesday", "Wednesday", "WhatsApp", "Alfama",
          "Reminder", "JAL", "Media omitted", "This message was deleted", "This message was edited"])

# ==========================================================================
# 9. iOS, en-US dates, 24h "[m/d/yy, HH:MM:SS] ", BOM + CRLF throughout
# ==========================================================================
c = Chat("samples/whatsapp/ios_en_bracket_comma.txt", "ios_en_bracket_comma", RX["ios_en_bracket_comma"],
         android=False, eol="\r\n", bom=True, hformat="[%m/%d/%y, %H:%M:%S] %name:", language="en")
NEV = TILDE + "Nev"
PH = LRE_OPEN + "+1 (415) 555" + NBHY + "0132" + PDF_CLOSE
d = "7/18/21, "
c.s(d + "18:30:00", E2E_EN_IOS, chat="Trip")
c.s(d + "18:30:00", "Harriet Okafor created group “Trip”", chat="Trip")
c.s(d + "18:30:05", "Harriet Okafor added you", chat="Trip")
c.m(d + "18:31:12", NEV, LRM + NEV + " joined using this group's invite link")
c.m(d + "18:32:40", "Harriet Okafor", "Welcome Nev! This is the Big Sur planning chat 🌊")
c.m(d + "18:33:15", PH, "Hey all, Desmond here, new phone so save this one")
c.m(d + "18:34:07", NEV, "That's awesome.")
c.m(d + "18:35:01", "Harriet Okafor", LRM + "<attached: 00000012-PHOTO-2021-07-18-18-35-01.jpg>", lrm=True)
c.m(d + "18:36:22", "Harriet Okafor", f"@{FSI}Nev{PDI} that's the cabin near Monterey. Can you drive Friday?")
c.m(d + "18:38:50", NEV, f"Yes! @{FSI}Harriet Okafor{PDI} I'll pick up Desmond on the way")
c.m(d + "18:40:03", PH, LRM + "image omitted", lrm=True)
c.m(d + "18:41:30", PH, "My old number 415-555-0171 is dead btw, use this one or desmond.pryce@icloud.com")
c.m(d + "18:45:00", "Harriet Okafor", "Packing list so far:\n- wetsuits\n- firewood\n- Nev's speaker")
c.m(d + "18:47:12", NEV, LRM + "This message was deleted.")
c.m(d + "18:48:00", NEV, "harriet can you share the Airbnb link? " + LRM + "<This message was edited>")
c.m(d + "18:49:30", "Harriet Okafor", "https://www.airbnb.com/rooms/big-sur-cabin-retreat")
c.m(d + "19:02:11", "Harriet Okafor", LRM + "Harriet Okafor changed this group's icon")
c.m(d + "19:05:40", NEV, LRM + "<attached: 00000013-AUDIO-2021-07-18-19-05-40.opus>", lrm=True)
c.m(d + "19:06:00", "Harriet Okafor", "Lol Nev, voice notes again 😂 See you Friday at the Okafor place!")
c.m(d + "19:10:45", PH, "👍")
add(c, format="whatsapp",
    names=["Harriet", "Okafor", "Nev", "Desmond", "Pryce"],
    phones=["+1 (415) 555" + NBHY + "0132", "415-555-0171"],
    urls=["https://www.airbnb.com/rooms/big-sur-cabin-retreat"],
    emails=["desmond.pryce@icloud.com"],
    keep=["Welcome", "Big Sur", "Monterey", "Friday", "Airbnb", "wetsuits", "firewood", "awesome",
          "image omitted", "This message was deleted.", "This message was edited", "WhatsApp",
          "00000012-PHOTO-2021-07-18-18-35-01.jpg", "00000013-AUDIO-2021-07-18-19-05-40.opus"])

# ==========================================================================
# 9b. iOS, en-US, 12h "[m/d/yy, h:mm:ss PM] " with NNBSP, CRLF, no BOM
# ==========================================================================
c = Chat("samples/whatsapp/ios_en_12h.txt", "ios_en_12h", RX["ios_en_12h"],
         android=False, eol="\r\n", tsfix=nnbsp_ampm,
         hformat="[%m/%d/%y, %I:%M:%S %p] %name:", language="en")
TH = TILDE + "Thaddeus"
PH = LRE_OPEN + "+1" + NBSP + "(312)" + NBSP + "555" + NBHY + "0186" + PDF_CLOSE
CH = "Team Dinner"
c.s("4/22/26, 8:00:00 PM", E2E_EN_IOS, chat=CH)
c.s("4/22/26, 8:00:00 PM", f"Priscilla Huang created group “{CH}”", chat=CH)
c.s("4/22/26, 8:00:01 PM", "Priscilla Huang added you", chat=CH)
c.m("4/22/26, 8:06:06 PM", "Priscilla Huang", "Hi! Dinner Thursday at 7, Chinatown, my treat 🥟")
c.m("4/22/26, 8:07:30 PM", TH, "Count me in")
c.m("4/22/26, 8:09:12 PM", PH, "Hi all, it's Rosalind from accounting, Priscilla gave me the link 😊")
c.m("4/22/26, 8:10:44 PM", "Priscilla Huang", LRM + "image omitted", lrm=True)
c.m("4/22/26, 8:11:02 PM", "Priscilla Huang", "That's the menu. Thaddeus, you're vegetarian right?")
c.m("4/22/26, 8:12:40 PM", TH, "Yep. Thanks Priscilla!")
c.m("4/22/26, 8:15:00 PM", PH, "Dinner_RSVP.pdf • " + LRM + "2 pages " + LRM + "document omitted", lrm=True)
c.m("4/22/26, 8:20:13 PM", "Priscilla Huang", f"@{FSI}Thaddeus{PDI} can you book a table for 6 under Huang?")
c.m("4/22/26, 8:22:50 PM", TH, LRM + "This message was deleted.")
c.m("4/22/26, 8:23:05 PM", TH, "Booked ✅ Confirmation sent to thaddeus.brennan@gmail.com " + LRM + "<This message was edited>")
c.m("4/22/26, 11:58:59 PM", PH, "Thanks all, see you Thursday! Connect with me here: "
                               "https://www.linkedin.com/in/rosalind-meyer-cpa or call 312-555-0144")
c.m("4/23/26, 12:01:30 AM", "Priscilla Huang", "Good night! priscilla signing off 🌙")
c.m("4/23/26, 7:45:00 AM", TH, LRM + TH + " left")
c.m("4/23/26, 9:02:10 AM", "Priscilla Huang", "Reminder for next time:\n1) book early\n2) bring cash")
add(c, format="whatsapp",
    names=["Priscilla", "Huang", "Thaddeus", "Brennan", "Rosalind", "Meyer"],
    phones=["+1" + NBSP + "(312)" + NBSP + "555" + NBHY + "0186", "312-555-0144"],
    urls=["https://www.linkedin.com/in/rosalind-meyer-cpa"],
    emails=["thaddeus.brennan@gmail.com"],
    keep=["Dinner", "Thursday", "Chinatown", "menu", "vegetarian", "Reminder", "image omitted",
          "document omitted", "Dinner_RSVP.pdf", "This message was deleted.", "This message was edited"])

# ==========================================================================
# 10. iOS, German "[dd.mm.yy, HH:MM:SS] ", CRLF, chat name "Test"
# ==========================================================================
c = Chat("samples/whatsapp/ios_de_dots.txt", "ios_de_dots", RX["ios_de_dots"],
         android=False, eol="\r\n", hformat="[%d.%m.%y, %H:%M:%S] %name:", language="de")
SV = TILDE + "Svenja"
PH = LRE_OPEN + "+49" + NBSP + "160" + NBSP + "98765432" + PDF_CLOSE
c.s("31.12.24, 20:52:25", E2E_DE_IOS, chat="Test")
c.s("31.12.24, 20:52:25", "Lena Schröder hat die Gruppe „Test“ erstellt.", chat="Test")
c.s("31.12.24, 20:52:26", "Lena Schröder hat dich hinzugefügt.", chat="Test")
c.m("31.12.24, 20:55:10", "Lena Schröder", "Hallo ihr Lieben! Silvester bei mir, ab 21 Uhr 🎆")
c.m("31.12.24, 20:57:42", "Matthias Krüger", "Super, ich bringe Raclette mit.")
c.m("31.12.24, 21:03:00", SV, LRM + SV + " ist über den Einladungslink dieser Gruppe beigetreten.")
c.m("31.12.24, 21:04:11", SV, "Hi, ich bin Svenja, die Kollegin von Matthias 😊")
c.m("31.12.24, 21:05:30", "Lena Schröder", f"Willkommen @{FSI}Svenja{PDI}! Bei Schröder klingeln, 3. Stock.")
c.m("31.12.24, 23:59:58", "Matthias Krüger", LRM + "<Anhang: 00000001-VIDEO-2024-12-31-23-59-58.mp4>", lrm=True)
c.m("01.01.25, 00:00:30", PH, "Frohes neues Jahr euch allen! 🥂 Hier ist Dominik, neue Nummer.")
c.m("01.01.25, 00:02:14", SV, LRM + "Diese Nachricht wurde gelöscht.")
c.m("01.01.25, 12:40:00", "Lena Schröder", "Danke fürs Kommen! Fotos hier: https://www.dropbox.com/sh/k2x9silvester/AAB3fotos")
c.m("02.01.25, 09:15:00", "Matthias Krüger", "Mein Handy ist kaputt, bin übergangsweise unter 0171 2345678 "
                                             "erreichbar oder matthias.krueger@web.de")
c.m("02.01.25, 09:20:45", "Lena Schröder", "Danke Matthias!\nWer hat übrigens meine Schüssel mitgenommen? 😅")
c.m("02.01.25, 09:33:02", SV, "Ich glaube, das war Dominik … " + LRM + "<Diese Nachricht wurde bearbeitet.>")
c.m("17.01.25, 09:48:45", "Lena Schröder", LRM + "<Anhang: 00000003-PHOTO-2025-01-17-09-48-45.jpg>", lrm=True)
c.m("17.01.25, 09:49:30", "Lena Schröder", "Schüssel ist wieder da, danke Dominik 🙏")
c.m("17.01.25, 10:01:00", PH, "Gern! Bis bald in Berlin.")
add(c, format="whatsapp",
    names=["Lena", "Schröder", "Matthias", "Krüger", "Svenja", "Dominik", "krueger"],
    phones=["+49" + NBSP + "160" + NBSP + "98765432", "0171 2345678"],
    urls=["https://www.dropbox.com/sh/k2x9silvester/AAB3fotos"],
    emails=["matthias.krueger@web.de"],
    keep=["Hallo", "Silvester", "Raclette", "Danke", "Frohes neues Jahr", "Berlin", "Willkommen",
          "Schüssel", "Diese Nachricht wurde gelöscht.", "00000003-PHOTO-2025-01-17-09-48-45.jpg"])

# ==========================================================================
# 11. iOS, en-GB "[dd/mm/yyyy HH:MM:SS] " (no comma), LF, no LRM (cleaned variant)
# ==========================================================================
c = Chat("samples/whatsapp/ios_nocomma.txt", "ios_nocomma", RX["ios_nocomma"],
         android=False, eol="\n", hformat="[%d/%m/%Y %H:%M:%S] %name:", language="en")
P = "+44 7700 900123"
c.s("31/12/2022 11:30:00", E2E_EN_IOS, chat="Hogmanay", lrm_body=False)
c.m("31/12/2022 11:40:26", "Callum Reid", "<attached: 00000001-AUDIO-2022-12-31-11-40-26.opus>")
c.m("31/12/2022 11:45:07", "Priya Natarajan", "Hi! Can't listen to voice notes at work, what did you say Callum?")
c.m("31/12/2022 11:47:30", "Callum Reid", "Party at mine from 9, Edinburgh, bring a bottle 🥃")
c.m("31/12/2022 14:17:51", "Priya Natarajan", "<attached: 00000003-PHOTO-2022-12-31-14-17-51.jpg>")
c.m("31/12/2022 14:18:20", "Priya Natarajan", "Outfit check 💃")
c.s("31/12/2022 19:29:20", f"{P} joined using this group's invite link")
c.m("31/12/2022 19:29:40", P, "Hi, Fergus here (Callum's flatmate). Save my number!")
c.m("31/12/2022 19:31:02", "Callum Reid", "<attached: 00000004-Fergus Mackay.vcf>")
c.m("31/12/2022 19:35:00", "Priya Natarajan", "Welcome fergus 🎉")
c.m("31/12/2022 21:47:27", "Callum Reid", "<attached: 00000002-VIDEO-2022-12-31-21-47-27.mp4>")
c.m("31/12/2022 22:44:23", "Callum Reid", "This message was deleted.")
c.m("31/12/2022 22:45:10", "Callum Reid", "If you get lost call me on 07700 900456 or the landline 0131 496 0018")
c.m("31/12/2022 23:59:59", "Priya Natarajan", "Happy New Year!!!\nNatarajan family says hi from Chennai 🎆")
c.m("01/01/2023 00:30:12", P, "Lost my charger, Reid can you check the kitchen?")
c.s("01/01/2023 10:15:00", f"{P} left")
c.m("01/01/2023 10:20:33", "Priya Natarajan", "Photos are up: https://www.flickr.com/photos/priya_n/albums "
                                              "or ask me at priya.natarajan@outlook.com")
add(c, format="whatsapp",
    names=["Callum", "Reid", "Priya", "Natarajan", "Fergus", "Mackay"],
    phones=[P, "07700 900456", "0131 496 0018"],
    urls=["https://www.flickr.com/photos/priya_n/albums"],
    emails=["priya.natarajan@outlook.com"],
    keep=["Edinburgh", "Happy New Year", "Welcome", "Chennai", "Outfit", "kitchen", "charger",
          "This message was deleted.", "00000001-AUDIO-2022-12-31-11-40-26.opus"])

# ==========================================================================
# 12. iOS, Finnish region "[d.m.yyyy, H.MM.SS] " (dotted time), English UI strings,
#     CRLF between records but bare LF inside multi-line messages.
# ==========================================================================
c = Chat("samples/whatsapp/ios_fi_dotted_time.txt", "ios_fi_dotted_time", RX["ios_fi_dotted_time"],
         android=False, eol="\r\n", inner_eol="\n", hformat="[%d.%m.%Y, %H.%M.%S] %name:", language="fi")
EE = TILDE + "Eetu Nieminen"
PH = LRE_OPEN + "+358 40 1234567" + PDF_CLOSE
CH = "Mökkiporukka"
d = "18.7.2021, "
c.s(d + "20.15.02", E2E_EN_IOS, chat=CH)
c.s(d + "20.15.02", f"Aino Korhonen created group “{CH}”", chat=CH)
c.s(d + "20.15.03", "Aino Korhonen added you", chat=CH)
c.m(d + "20.20.13", "Aino Korhonen", "Moi kaikki! Mökkiviikonloppu Kuopiossa 6.–8.8., sopiiko?")
c.m(d + "20.21.40", "Sanna", "Sopii! Tuon saunavihdat 🌿")
c.m(d + "20.25.10", EE, LRM + EE + " joined using this group's invite link")
c.m(d + "20.26.02", EE, "Moi, Eetu tässä, Sannan kaveri 👋")
c.m(d + "20.27.15", "Aino Korhonen", f"Tervetuloa @{FSI}Eetu Nieminen{PDI}! Lähtö perjantaina klo 16.30 Helsingistä.")
c.m(d + "20.30.44", "Aino Korhonen", LRM + "<attached: 00000007-PHOTO-2021-07-18-20-30-44.jpg>", lrm=True)
c.m(d + "20.31.05", "Aino Korhonen", "Mökin ohjeet:\nAja Kuopion ohi\nKäänny Vehmersalmen tielle\nSoita jos eksyt, 050 765 4321")
c.m(d + "20.40.00", PH, "Hei, Juho täällä, Ainon serkku. Voinko tulla mukaan?")
c.m(d + "20.41.12", "Sanna", LRM + "This message was deleted.")
c.m(d + "20.42.30", "Sanna", "Totta kai, Juho! Kiitos Aino järjestelyistä 🙏")
c.m(d + "21.02.09", EE, LRM + "image omitted", lrm=True)
c.m(d + "21.03.00", EE, "Uusi sähköposti jos tarvitsette: eetu.nieminen@gmail.com " + LRM + "<This message was edited>")
d = "19.7.2021, "
c.m(d + "9.05.33", "Aino Korhonen", "Muistakaa:\n- makuupussit\n- uikkarit\n- hyvä mieli ☀️")
c.m(d + "9.10.00", "Sanna", "Kiitos Aino! Soitellaan keskiviikkona klo 18.30.")
add(c, format="whatsapp",
    names=["Aino", "Korhonen", "Sanna", "Eetu", "Nieminen", "Juho"],
    phones=["+358 40 1234567", "050 765 4321"],
    urls=[],
    emails=["eetu.nieminen@gmail.com"],
    keep=["Moi", "Kiitos", "Helsingistä", "perjantaina", "klo", "16.30", "18.30", "Kuopiossa",
          "Tervetuloa", "saunavihdat", "image omitted", "This message was deleted.",
          "00000007-PHOTO-2021-07-18-20-30-44.jpg"])

# ==========================================================================
# 13. Chunk file (French, two chunks, Android fr 24h content)
# ==========================================================================
META_KEYS = ["MÉTADONNÉES CHUNK", "Période", "Participants", "Topics", "Tokens", "Messages", "CONTENU"]


def chunk_block(periode, participants, topics, tokens, n_messages, lines):
    head = ["=== MÉTADONNÉES CHUNK ===",
            f"Période: {periode}",
            "Participants:" + (f" {participants}" if participants else ""),
            "Topics:" + (f" {topics}" if topics else ""),
            f"Tokens: {tokens}",
            f"Messages: {n_messages}",
            "",
            "=== CONTENU ==="]
    return "\n".join(head + lines)


class ChunkFile:
    def __init__(self, rel, layout, header_regex, hformat, language):
        self.rel, self.layout, self.header_regex = rel, layout, header_regex
        self.hformat, self.language = hformat, language
        self.blocks = []   # (meta dict, leading continuation lines, Chat)
        self.eol, self.inner_eol, self.bom, self.android = "\n", "\n", False, True

    def add_chunk(self, periode, participants, topics, tokens, continuation, chat):
        self.blocks.append((periode, participants, topics, tokens, continuation, chat))

    def render(self):
        out = []
        for periode, participants, topics, tokens, cont, chat in self.blocks:
            lines = list(cont) + "\n".join(chat.records).split("\n")
            out.append(chunk_block(periode, participants, topics, tokens, len(chat.records), lines))
        # chunks are separated by one blank line
        return "\n\n".join(out) + "\n"

    @property
    def records(self):
        return [r for b in self.blocks for r in b[5].records]

    @property
    def senders(self):
        seen = []
        for b in self.blocks:
            for s in b[5].senders:
                if s not in seen:
                    seen.append(s)
        return seen

    def participants(self):
        return self.senders

    @property
    def n_authored(self):
        return sum(b[5].n_authored for b in self.blocks)

    system_senders = []


cf = ChunkFile("samples/chunks/chunk_fr.txt", "chunk_android_fr_24h", RX["android_fr_24h"],
               "%d/%m/%Y, %H:%M - %name:", "fr")
P1 = "+33 6 12 34 56 78"
a = Chat("", "", "", android=True)
d = "22/01/2025, "
a.m(d + "18:43", "Camille", "Merci à @33612345678 pour le partage:\n"
                            "Découvre http://example.ai, un outil pour résumer tes PDF en deux minutes, gratuit jusqu'à fin janvier !")
a.m(d + "18:47", P1, "ça c'est le message publicitaire mais toi ton avis ?")
a.m(d + "18:48", "Camille", "C'est mon message d'hier que j'ai recopié. Honnêtement c'est moins bien que ChatGPT "
                            "pour l'instant <Ce message a été modifié>")
a.m(d + "18:50", "Jean Dupont", "Je confirme, j'ai comparé les deux pour un client aux USA.")
a.m(d + "18:52", P1, "Ok. Tu peux m'envoyer ton comparatif ? jean.dupont@gmail.com c'est bien ton mail ?")
a.m(d + "18:53", "Jean Dupont", "Oui c'est ça. Ou appelle-moi au 06 45 78 12 39")
a.m(d + "18:55", "Camille", "<Médias omis>")
a.m(d + "18:56", "Camille", "La capture vient de la démo à Paris, chez Hélène.")
a.m(d + "19:02", "Camille", "Et Dupont, tu l'as eu en version pro ?")
a.m(d + "19:10", "Jean Dupont", "Ce message a été supprimé")
a.m(d + "23:58", "Jean Dupont", "Petit récap pour ceux qui arrivent :\n"
                                "1. NotebookLM : top pour synthétiser des documents\n"
                                "2. ChatGPT : le plus polyvalent")
cf.add_chunk("null → null", "", "", 521,
             ["et du coup j'ai testé NotebookLM sur les notes de Jean Dupont, franchement bluffant.",
              "Je vous fais un retour plus complet lundi."], a)
b = Chat("", "", "", android=True)
d = "23/01/2025, "
b.m(d + "08:05", "Camille", "Merci Jean, super récap 👌")
b.m(d + "08:10", P1, "Merci ! Au fait je repasse à Paris fin janvier, on se fait un café ?")
b.m(d + "08:12", "Camille", "Avec plaisir ! Écris-moi sur camille.roussel@outlook.fr pour caler ça.")
b.m(d + "08:15", "Jean Dupont", "IMG-20250123-WA0004.jpg (fichier joint)")
b.m(d + "08:16", "Jean Dupont", "Mon profil si besoin : https://www.linkedin.com/in/jean-dupont-consultant")
b.m(d + "08:20", P1, "Top, merci camille et jean 🙏")
cf.add_chunk("2025-01-22 → 2025-01-23", f"Camille, Jean Dupont, {P1}", "", 312,
             ["3. Perplexity : pratique pour les sources, surtout sur l'actu USA",
              "Bref, on en reparle lundi !"], b)
add(cf, format="chunk",
    names=["Camille", "Jean", "Dupont", "Hélène", "Roussel"],
    phones=[P1, "33612345678", "06 45 78 12 39"],
    urls=["http://example.ai", "https://www.linkedin.com/in/jean-dupont-consultant"],
    emails=["jean.dupont@gmail.com", "camille.roussel@outlook.fr"],
    keep=["Merci", "NotebookLM", "ChatGPT", "USA", "Paris", "lundi", "janvier", "Perplexity",
          "Médias omis", "Ce message a été supprimé", "Ce message a été modifié", "fichier joint",
          "=== MÉTADONNÉES CHUNK ===", "=== CONTENU ===", "Période:", "Participants:", "Topics:",
          "Tokens: 521", "Messages: 11", "null → null", "2025-01-22 → 2025-01-23",
          "IMG-20250123-WA0004.jpg"])

# ==========================================================================
# 14. Chunk file (English, single chunk, Android en-GB 24h content)
# ==========================================================================
cf = ChunkFile("samples/chunks/chunk_en.txt", "chunk_android_en_gb_24h", RX["android_en_gb_24h"],
               "%d/%m/%Y, %H:%M - %name:", "en")
P = "+44 7700 900987"
a = Chat("", "", "", android=True)
d = "05/10/2020, "
a.m(d + "00:14", "Oskar Lindqvist", "Sure, I'll pay the energy bill tomorrow.")
a.m(d + "00:15", "Olivia Hartigan", "Thanks Oskar! It's £84.20 this month.")
a.m(d + "00:16", P, "Can someone send me the landlord's number?")
a.m(d + "00:18", "Olivia Hartigan", "It's 020 7946 0321, ask for Mr Pemberton.")
a.m(d + "00:19", P, "Cheers 🙏")
a.m(d + "08:30", "Oskar Lindqvist", "<Media omitted>")
a.m(d + "08:31", "Oskar Lindqvist", "Receipt above. Also the boiler engineer is coming Tuesday, 10am London time.")
a.m(d + "09:02", "Olivia Hartigan", "This message was deleted")
a.m(d + "09:03", "Olivia Hartigan", "oskar can you be home for him? I'm at the office. <This message was edited>")
a.m(d + "09:10", "Oskar Lindqvist", "Yes. Lindqvist is on the doorbell now btw 😄")
a.m(d + "12:45", P, "Olivia's sister sent the Netflix login to olivia.hartigan@gmail.com I think?")
a.m(d + "12:50", "Olivia Hartigan", "Yep, and the house rules are here: https://docs.google.com/document/d/1HouseRulesFlatShareXyZ/edit\n"
                                   "Please read them before Monday.")
a.m("06/10/2020, 07:55", "Oskar Lindqvist", "Morning! Boiler fixed ✅")
cf.add_chunk("2020-10-05 → 2020-10-06", f"Oskar Lindqvist, Olivia Hartigan, {P}", "bills, flat", 287, [], a)
add(cf, format="chunk",
    names=["Oskar", "Lindqvist", "Olivia", "Hartigan", "Pemberton"],
    phones=[P, "020 7946 0321"],
    urls=["https://docs.google.com/document/d/1HouseRulesFlatShareXyZ/edit"],
    emails=["olivia.hartigan@gmail.com"],
    keep=["Thanks", "Cheers", "Netflix", "Monday", "Tuesday", "London", "Morning", "Boiler", "landlord",
          "Media omitted", "This message was deleted", "This message was edited",
          "=== MÉTADONNÉES CHUNK ===", "=== CONTENU ===", "Période:", "Participants:", "Topics: bills, flat",
          "Tokens: 287", "Messages: 13", "2020-10-05 → 2020-10-06"])

# ==========================================================================
# 15. Plain text notes (not a chat)
# ==========================================================================
NOTES = """Notes – réunion du 14 février 2025

Présents : Bérénice Caradec, Anthony Vasseur, Solène
Excusé : Grégoire Lambertin

- Bérénice envoie le devis avant vendredi (b.caradec@orange.fr).
- Rappeler Anthony au 06 23 45 67 89 pour la salle.
- Son profil : https://www.linkedin.com/in/anthony-vasseur-lille
- Solène et Grégoire s'occupent du traiteur.
- Prochaine réunion : lundi 3 mars, à Lille.
"""
add(NOTES, rel="samples/plain/notes.txt", format="plain", layout="plain_text",
    names=["Bérénice", "Caradec", "Anthony", "Vasseur", "Solène", "Grégoire", "Lambertin"],
    phones=["06 23 45 67 89"],
    urls=["https://www.linkedin.com/in/anthony-vasseur-lille"],
    emails=["b.caradec@orange.fr"],
    keep=["Notes", "réunion", "février", "devis", "vendredi", "lundi", "mars", "Lille", "traiteur",
          "Présents", "Prochaine"])


# ==========================================================================
# writing + checks
# ==========================================================================
def fold(s: str) -> str:
    """lower-case and strip accents (for the hazard checks only)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(ch))


def name_surfaces(text: str, base_names):
    """Every surface form (case/accent variant) of the base name tokens found in text."""
    ftext = fold(text)
    # fold() can change string length (NFD), so map positions via a per-char fold
    per_char = []
    for i, ch in enumerate(text):
        for fc in fold(ch):
            per_char.append(i)
    assert len(per_char) == len(ftext)
    out, problems = [], []
    for n in base_names:
        fn = fold(n)
        for m in re.finditer(re.escape(fn), ftext):
            start = per_char[m.start()]
            end = per_char[m.end() - 1] + 1
            surface = text[start:end]
            before = text[start - 1] if start > 0 else " "
            after = text[end:end + 3]
            if before.isalpha():
                problems.append((n, text[max(0, start - 10):end + 10]))
            elif after[:1].isalpha() and not (re.match(r"(s|n)\b", after) or re.match(r"'s\b", after)):
                problems.append((n, text[max(0, start - 10):end + 10]))
            if surface not in out:
                out.append(surface)
    return out, problems


def count_headers(raw: str, header_regex: str) -> int:
    rx = re.compile(header_regex)
    text = raw[1:] if raw.startswith(BOM) else raw
    return sum(1 for line in text.split("\n") if rx.match(line.rstrip("\r")))


def main() -> int:
    manifest = {}
    errors = []
    for spec in SPECS:
        obj = spec["obj"]
        if isinstance(obj, str):
            rel, text = spec["rel"], obj
            eol, bom, layout, hrx = "LF", False, spec["layout"], None
            participants, system_senders, hformat, language = [], [], None, "fr"
            n_records = n_authored = 0
        else:
            rel, text = obj.rel, obj.render()
            eol = {"\n": "LF", "\r\n": "CRLF"}[obj.eol]
            if obj.eol != obj.inner_eol:
                eol = "CRLF between messages, LF inside multi-line messages"
            bom, layout, hrx = obj.bom, obj.layout, obj.header_regex
            participants = obj.participants()
            system_senders = list(obj.system_senders)
            hformat, language = obj.hformat, obj.language
            n_records = len(obj.records)
            n_authored = obj.n_authored
        path = ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        with open(path, "r", encoding="utf-8", newline="") as fh:
            raw = fh.read()
        assert raw == text
        n = count_headers(raw, hrx) if hrx else 0
        if n != n_records:
            errors.append(f"{rel}: regex counted {n} headers, built {n_records}")
        if spec["format"] == "whatsapp" and not 12 <= n <= 30:
            errors.append(f"{rel}: {n} messages, expected 12-30")

        body = raw[1:] if raw.startswith(BOM) else raw
        names, problems = name_surfaces(body, spec["names"])
        for p in problems:
            errors.append(f"{rel}: name token {p[0]!r} embedded in a word: {p[1]!r}")
        for kind in ("names", "phones", "urls", "emails", "keep"):
            for item in (names if kind == "names" else spec[kind]):
                if item not in body:
                    errors.append(f"{rel}: {kind} item {item!r} not found in file")
        for k in spec["keep"]:
            for nm in spec["names"]:
                if re.search(r"(?<![^\W\d_])" + re.escape(fold(nm)) + r"(?![^\W\d_])", fold(k)):
                    errors.append(f"{rel}: keep item {k!r} contains name {nm!r}")
        for p in participants:
            if not re.match(r"^\+[\d\s\u00a0()\u2011-]+$", p) and re.search(r"\d", p):
                errors.append(f"{rel}: digit in non-phone sender {p!r}")
            if ": " in p:
                errors.append(f"{rel}: ': ' in sender {p!r}")

        entry = {
            "format": spec["format"],
            "layout": layout,
            "language": language,
            "messages": n,
            "authored_messages": n_authored,
            "participants": participants,
            "system_senders": system_senders,
            "names": names,
            "phones": spec["phones"],
            "urls": spec["urls"],
            "emails": spec["emails"],
            "keep": spec["keep"],
            "eol": eol,
            "bom": bom,
            "header_regex": hrx,
            "whatstk_hformat": hformat,
        }
        if isinstance(obj, ChunkFile):
            entry["chunks"] = [{"messages": len(b[5].records), "leading_continuation_lines": len(b[4])}
                               for b in obj.blocks]
        manifest[rel] = entry

    with open(HERE / "manifest.json", "w", encoding="utf-8", newline="\n") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    for rel, e in manifest.items():
        print(f"{e['messages']:3d}  {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
