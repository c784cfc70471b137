"""The ``dnacnn`` command: ``demo``, ``fit``, ``predict``, ``explain``, ``variants``.

One module per command (:mod:`.demo`, :mod:`.fit`, :mod:`.predict`,
:mod:`.explain`, :mod:`.variants`), each with its ``add_parser`` and its
``run``; :mod:`._io` holds the files they share (sequences, labels, models,
results folders).  This module assembles the parser and runs a command.

Heavy imports (TensorFlow, matplotlib) happen inside the commands, so that
``dnacnn --help`` answers at once.  TensorFlow's start-up messages (its C++
log lines: oneDNN notices, CUDA probes, CPU features) are kept out of the
terminal unless ``--verbose``; the library itself leaves logging alone.
Errors a user can fix (a missing file, a malformed one, counts that do not
match) print one line and exit with 1; Ctrl-C prints one line and exits with
130, SIGTERM likewise with 143.  Every file is written atomically, a folder
of results is replaced as a set, and an output that is one of the command's
inputs is refused before any work.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import threading

from .._files import error_message
from . import demo, explain, fit, predict, variants

__all__ = ["build_parser", "main", "quiet_tensorflow", "run_command"]

#: The commands, in the order ``dnacnn --help`` lists them.
COMMANDS = (fit, predict, explain, variants, demo)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="dnacnn",
        description=(
            "Deep learning on DNA sequences: train a 1D CNN that predicts "
            "transcription-factor binding and find the motif it learned."
        ),
    )
    parser.add_argument("--version", action="version", version=__version__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--verbose",
        action="store_true",
        help="also show TensorFlow's start-up and log messages",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(sub, parents=[common])
    return parser


#: TensorFlow's C++ log lines (absl/glog: ``I0000 00:00:17.. 123 file.cc:45] ``),
#: the line absl writes before them, and the CPU-feature notice's second line.
TF_NOISE = re.compile(
    rb"(?:[IWE]\d{4} \d+:\d+:\d+\.\d+\s+\d+ [\w./-]+:\d+\] "
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    rb"|To enable the following instructions: .* rebuild TensorFlow)"
)


@contextlib.contextmanager
def quiet_tensorflow():
    """Keep TensorFlow's start-up messages off the terminal inside the block.

    Its C++ logs mostly come before ``TF_CPP_MIN_LOG_LEVEL`` is read (absl's
    "before InitializeLog" lines, the CUDA probe's ``failed call to cuInit``),
    so besides setting that and the ``tensorflow`` logger, standard error is
    read through a pipe that drops those lines and passes every other line
    on.  Processes started inside the block inherit both.
    """
    import logging

    saved_env = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logger = logging.getLogger("tensorflow")
    saved_level = logger.level
    logger.setLevel(logging.ERROR)
    sys.stderr.flush()
    real = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)

    def pump():
        with (
            os.fdopen(read_end, "rb") as pipe,
            open(real, "wb", buffering=0, closefd=False) as terminal,
        ):
            for line in pipe:
                if not TF_NOISE.match(line):
                    terminal.write(line)

    thread = threading.Thread(target=pump, name="dnacnn-stderr", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os.dup2(real, 2)  # closes the pipe's last writer here: the pump ends
        thread.join(timeout=5)  # a child still holding the pipe: do not wait
        os.close(real)
        logger.setLevel(saved_level)
        if saved_env is None:
            os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)


def main(argv: list[str] | None = None) -> int:
    """Run the ``dnacnn`` command; return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "verbose", False):
        return run_command(args.func, args)
    with quiet_tensorflow():
        return run_command(args.func, args)


def run_command(command, args) -> int:
    """Run ``command(args)``; return the exit status, as :func:`main` does.

    Errors a user can fix print one line and return 1.  Ctrl-C prints one
    line and returns 130; SIGTERM (``kill``, a job scheduler's time limit)
    is handled as Ctrl-C is (a fit stops after the current batch, files
    being written are removed) and returns 143, as a process ended by
    SIGTERM does.
    """
    terminated = []

    def on_sigterm(signum, frame):
        terminated.append(signum)
        handler = signal.getsignal(signal.SIGINT)  # what Ctrl-C would do now
        if callable(handler):
            handler(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        command(args)
    except KeyboardInterrupt:
        if os.environ.get("DNACNN_DEBUG"):
            raise
        if terminated:
            print(f"dnacnn {args.command}: terminated", file=sys.stderr)
            return 128 + signal.SIGTERM
        print(f"\ndnacnn {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError) as exc:
        if os.environ.get("DNACNN_DEBUG"):
            raise
        print(f"dnacnn {args.command}: error: {error_message(exc)}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0
