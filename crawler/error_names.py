"""Exception kinds as users should read them in messages and logs."""

from __future__ import annotations


def public_name(exc: BaseException) -> str:
    """The exception's kind as a reader should see it: the first public class in its
    hierarchy (a driver's private `_OperationCancelled` is shown as what it derives from)."""
    for cls in type(exc).__mro__:
        if not cls.__name__.startswith("_"):
            return cls.__name__
    return "error"
