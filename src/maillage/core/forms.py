"""What every app's views do with a service's refusal: show it on the form or as a message."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _


def service_errors_into(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors on the fields they name (the others on the whole form).

    Forms that tie inputs to their errors (``ErrorsTiedToFields``: aria-describedby) do it
    again, since these errors arrive after ``is_valid``.
    """
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
    tie_errors = getattr(form, "tie_errors", None)
    if tie_errors is not None:
        tie_errors()


def service_errors_message(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    """A refusal of an action that has no form of its own, shown as the page's error message."""
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("Accès refusé."))
