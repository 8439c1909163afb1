"""Pseudonymise chat exports: stable keyed fake identities for names, numbers, URLs, e-mails."""
from .api import Anonymizer
from .detect.base import Finding
from .errors import AnonymizerError, InputError, VerificationError

__all__ = ["Anonymizer", "Finding", "AnonymizerError", "InputError", "VerificationError"]
__version__ = "0.1.0"
