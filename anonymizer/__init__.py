"""Pseudonymise chat exports: stable keyed fake identities for names, numbers, URLs, e-mails.

>>> from anonymizer import Anonymizer
>>> anon = Anonymizer(key=b"a long random secret", language="fr")  # doctest: +SKIP
>>> anon.anonymize_texts(["Appelle Jean au 06 12 34 56 78"])  # doctest: +SKIP

See ``docs/library.md`` and :mod:`anonymizer.api`.
"""
from .api import Anonymizer, Finding, Result
from .errors import AnonymizerError, InputError, VerificationError

__all__ = ["Anonymizer", "Finding", "Result", "AnonymizerError", "InputError", "VerificationError"]
__version__ = "0.1.0"
