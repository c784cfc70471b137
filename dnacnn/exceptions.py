"""Warnings raised by dnacnn."""


class DNACNNWarning(UserWarning):
    """Base class of the warnings dnacnn emits; filter it to silence them all."""
