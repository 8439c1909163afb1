"""Errors that end a run with a clear one-line message and a documented exit code."""

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_VERIFY = 3


class AnonymizerError(Exception):
    exit_code = EXIT_INPUT


class InputError(AnonymizerError):
    exit_code = EXIT_INPUT


class VerificationError(AnonymizerError):
    exit_code = EXIT_VERIFY


class KeyProblem(InputError):
    """The key is missing, too short, or not the one a map / allow-file was made with."""
