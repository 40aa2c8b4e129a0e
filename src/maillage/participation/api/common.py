"""Shared pieces of the participation API: the router, field errors, error schema."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from ninja import Router, Schema

router = Router(tags=["participation"])


def field_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a service's ValidationError into 400 {"detail", "errors": {field: [messages]}}."""
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {
                "__all__": exc.messages}
            detail = " ; ".join(f"{name} : {' '.join(messages)}"
                                for name, messages in errors.items())
            return JsonResponse({"detail": detail, "errors": errors}, status=400)
    # The endpoint lives in another module: give Ninja its annotations already resolved.
    wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return wrapper


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = None


