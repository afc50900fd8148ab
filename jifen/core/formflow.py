"""The one way a form page runs: show, validate, call the service, report or re-display."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

T = TypeVar("T")


def service_errors_to_form(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field where the form has one."""
    if not hasattr(error, "error_dict"):
        for problem in error.messages:
            form.add_error(None, problem)
        return
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], HttpResponse],
    message: Callable[[Any], str],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """On a valid POST run ``save(cleaned_data)`` (a service: one transaction, audited), say
    ``message(result)`` and answer ``done(result)``. Invalid input, or a service that refuses
    it, re-displays the form with every error in place (status 400) and changes nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, message(result))
            return done(result)
    status = 400 if form.errors else 200
    return render(request, template, {**context, "form": form}, status=status)


def button_action(
    request: HttpRequest, run: Callable[[], T], success: str | Callable[[T], str]
) -> T | None:
    """A one-button action (sign, publicize, publish, propose, decide …): run the service. Its
    refusal (a ValidationError) becomes an error message saying why and nothing changes; its
    result a success message. The caller answers with a redirect either way."""
    try:
        result = run()
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result
