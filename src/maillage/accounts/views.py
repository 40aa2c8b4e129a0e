from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts import services
from maillage.accounts.forms import AccountDeleteForm, ProfileForm
from maillage.accounts.rules import roles_of


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None, instance=user,
        initial={"home_commune_code": user.home_commune_id or ""},
    )
    if request.method == "POST" and form.is_valid():
        form.instance.home_commune_id = form.cleaned_data["home_commune_code"] or None
        form.save()
        messages.success(request, _("Votre profil a été enregistré."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {
        "form": form, "roles": roles_of(user), "delete_form": AccountDeleteForm(),
        "title": _("Mon compte"),
    })


@login_required
def export(request: HttpRequest) -> HttpResponse:
    data = services.personal_data_export(actor=request.user, user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="maillage-mes-donnees-{stamp}.json"'
    return response


@login_required
@require_POST
def delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST)
    if form.is_valid():
        try:
            services.account_delete(
                actor=request.user, user=request.user, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            logout(request)
            messages.success(request, _("Votre compte et vos données ont été supprimés."))
            return redirect("home")
    return render(request, "accounts/profile.html", {
        "form": ProfileForm(instance=request.user), "roles": roles_of(request.user),
        "delete_form": form, "title": _("Mon compte"),
    }, status=400)
