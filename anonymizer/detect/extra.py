"""The identifier detectors (issue 9) and their renderers: the default contents of every
engine's :class:`~anonymizer.detect.registry.Registry`.

Each detector is a function ``(text, engine) -> [Finding]``; each kind has a renderer
``(finding, engine) -> str`` drawing its fake from the keyed pseudonym map
(``anonymizer/render/fakes.py``).
"""
from __future__ import annotations

from . import addresses, dates, finance, geo, national_ids, network, plates, social

DETECTORS = [
    finance.find_ibans, finance.find_cards, national_ids.find_national_ids, network.find_ips,
    geo.find_gps, social.find_social, plates.find_plates, addresses.find_addresses,
    dates.find_dobs,
]


def _find_dates(text, engine):  # in-text dates, only under --shift-dates
    from ..render.dateshift import find_dates
    return find_dates(text, engine)


def _render_date(f, engine):
    from ..render.dateshift import render_shifted_date
    return render_shifted_date(f, engine)


DETECTORS.append(_find_dates)

RENDERERS = {
    finance.IBAN: finance.render_iban,
    finance.CARD: finance.render_card,
    national_ids.NATIONAL_ID: national_ids.render_national_id,
    network.IP: network.render_ip,
    geo.GPS: geo.render_gps,
    social.SOCIAL: social.render_social,
    plates.PLATE: plates.render_plate,
    addresses.STREET: addresses.render_street,
    addresses.POSTCODE: addresses.render_postcode,
    addresses.CITY: addresses.render_city,
    dates.DOB: dates.render_dob,
    "DATE": _render_date,
}

EXTRA_KINDS = tuple(RENDERERS)

