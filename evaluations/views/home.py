"""Where each person starts: their landing page, their unit's worksheets, the rounds they take part in."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from units.permissions import user_roles

from ..models import Round
from ..permissions import rounds_for_user, worksheets_for_user


@login_required
def home(request):
    """Take each role where it works: admin → rounds, TPI → review queue, unit staff → worksheet."""
    roles = user_roles(request.user)
    if roles.landing == "admin":
        current = rounds_for_user(request.user).open().first()
        return redirect("evaluations:round_detail", current.pk) if current else redirect("evaluations:round_list")
    if roles.landing == "tpi":
        return redirect("evaluations:review_queue")
    if roles.landing == "unit":
        mine = worksheets_for_user(request.user).filter(unit_id__in=roles.unit_ids)
        current = mine.filter(round__status=Round.Status.OPEN).order_by("-round__year", "unit__name")
        if current.count() == 1:
            return redirect(current.get())
        return redirect("evaluations:my_worksheets")
    return render(request, "evaluations/no_role.html")


@login_required
def my_worksheets(request):
    roles = user_roles(request.user)
    worksheets = (worksheets_for_user(request.user).filter(unit_id__in=roles.unit_ids)
                  .select_related("round", "unit").order_by("-round__year", "unit__name"))
    return render(request, "evaluations/my_worksheets.html", {"worksheets": worksheets})


@login_required
def round_list(request):
    rounds = rounds_for_user(request.user).select_related("version", "instansi")
    return render(request, "evaluations/round_list.html", {"rounds": rounds})
