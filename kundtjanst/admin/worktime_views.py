"""Working time (arbetstid): office hours per weekday, closed and shortened days,
and the Swedish public holidays the calendar already knows."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import InvalidChange
from ..core.timeutil import local_today
from ..core.workingtime import Hours, clock, swedish_holidays
from ..extensions import db
from ..forms import ButtonForm
from ..web import form_status, show_error
from ..worktime import queries, services
from ..worktime.forms import WEEKDAYS, SpecialDayForm, WeekForm
from ..worktime.models import SpecialDay
from .blueprint import bp


def _week_data() -> dict:
    data = {}
    for weekday, hours in enumerate(queries.week()):
        data[f"d{weekday}_open"] = hours is not None
        data[f"d{weekday}_opens"] = clock(hours.opens) if hours else ""
        data[f"d{weekday}_closes"] = clock(hours.closes) if hours else ""
    return data


def _page(week_form: WeekForm, day_form: SpecialDayForm, status: int = 200):
    today = local_today()
    holidays = []
    for year in (today.year, today.year + 1):
        holidays += [
            (d, name)
            for d, name in swedish_holidays(year, get_locale().language).items()
            if today <= d < today + timedelta(days=366) and d.weekday() < 5
        ]
    return render_template(
        "admin/worktime.html",
        week_form=week_form,
        day_form=day_form,
        weekdays=WEEKDAYS,
        special_days=queries.special_days(today),
        holidays=holidays,
        clock=clock,
    ), status


@bp.get("/arbetstid")
def worktime():
    return _page(WeekForm(data=_week_data()), SpecialDayForm(formdata=None))


@bp.post("/arbetstid/vecka")
def save_week():
    form = WeekForm()
    if form.validate_on_submit():
        try:
            services.save_week(
                [Hours(*h) if h else None for h in form.hours], user_id=current_user.id
            )
        except InvalidChange as error:
            db.session.rollback()
            show_error(form, "d0_open", str(error))
        else:
            db.session.commit()
            flash(_("The office hours were saved."), "success")
            return redirect(url_for("admin.worktime"))
    return _page(form, SpecialDayForm(formdata=None), form_status())


@bp.post("/arbetstid/dagar")
def add_special_day():
    form = SpecialDayForm(today=local_today())
    if form.validate_on_submit():
        data = services.SpecialDayData(
            day=form.day.parsed, closes_minute=form.closes.minute, note=form.note.data or ""
        )
        try:
            services.add_special_day(data, user_id=current_user.id)
        except InvalidChange as error:
            db.session.rollback()
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("%(day)s was added.", day=data.day.isoformat()), "success")
            return redirect(url_for("admin.worktime"))
    return _page(WeekForm(data=_week_data()), form, form_status())


@bp.post("/arbetstid/dagar/<day>/ta-bort")
def remove_special_day(day: str):
    try:
        found = db.session.get(SpecialDay, date.fromisoformat(day))
    except ValueError:
        found = None
    if found is None:
        abort(404)
    if ButtonForm().validate_on_submit():
        services.remove_special_day(found, user_id=current_user.id)
        db.session.commit()
        flash(_("%(day)s was removed.", day=day), "success")
    return redirect(url_for("admin.worktime"))
