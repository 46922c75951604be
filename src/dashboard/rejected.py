"""The one error a user's value raises: what the user gave that the dashboard cannot use."""


class Rejected(ValueError):
    """A value a filter cannot use; the message says why, for a notice or a CLI error."""
