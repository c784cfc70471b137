"""Warnings and errors raised by dnacnn."""


class DNACNNWarning(UserWarning):
    """Base class of the warnings dnacnn emits; filter it to silence them all."""


class GenomeWarning(DNACNNWarning):
    """Something in the genome inputs was left out, rebuilt or not matched."""


class ModelFileError(ValueError):
    """A model file that cannot be loaded: damaged, or not what ``save_model`` writes.

    Raised by :func:`~dnacnn.load_model` (and the ``dnacnn`` command) for
    every malformed model file, whatever the cause (a damaged zip, a file too
    large to be a model, JSON that :func:`~dnacnn.save_model` never writes, a
    network that does not match its parameters); the message names the file
    and what is wrong, and the original error is its ``__cause__``.  A
    subclass of :class:`ValueError`.

    Attributes
    ----------
    path : str
        The file.
    """

    def __init__(self, path, message: str):
        super().__init__(message)
        self.path = str(path)
