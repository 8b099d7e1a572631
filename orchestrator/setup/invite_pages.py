"""The setup's invite step (`/board/setup/invite`): the previews and the test mail
(invite_preview.py), then sending to everyone after a confirmation, each invitation's state
(invitations.py), and sending again to the failed ones. A reload shows the current state;
while some are waiting the page reloads itself (a meta refresh, no script needed)."""

from __future__ import annotations

from aiohttp import web

from orchestrator.appkeys import MAIL, SERVICE, SETTINGS, STORE
from orchestrator.language.i18n import translator
from orchestrator.setup.invitations import Invitations, invitations
from orchestrator.setup.invite_preview import previews, test_mail
from orchestrator.setup.setup_pages import Form, _context, _language, organiser_page, render
from orchestrator.storage.sessions import Session


async def _state(request: web.Request) -> Invitations | None:
    app = request.app
    if SERVICE not in app or MAIL not in app:
        return None
    return await invitations(app[SERVICE].require_live(), app[MAIL])


async def _invite(
    request: web.Request, session: Session, status: int = 200, said: str = ""
) -> web.Response:
    app = request.app
    live = app[SERVICE].require_live() if SERVICE in app else None
    mail = app.get(MAIL)
    shown = previews(live, app[SETTINGS].base_url, mail.config) if live and mail else []
    return render(
        request,
        "setup_invite.html",
        status,
        served=live is not None,
        mail=mail is not None,
        previews=shown,
        sent=said,
        failed=status >= 400,
        contact=mail.config.contact if mail else "",
        state=await _state(request),
        **_context(request, session, "invite"),
    )


@organiser_page
async def invite_page(request: web.Request, session: Session, form: Form) -> web.Response:
    return await _invite(request, session)


@organiser_page
async def invite_test(request: web.Request, session: Session, form: Form) -> web.Response:
    app = request.app
    t = translator(_language(request))
    if SERVICE not in app or MAIL not in app:
        return await _invite(request, session, 409)
    config = app[MAIL].config
    live = app[SERVICE].require_live()
    failed = await test_mail(live, app[STORE], app[SETTINGS].base_url, config)
    if failed:
        return await _invite(request, session, 502, t("setup_test_failed", reason=failed))
    return await _invite(request, session, said=t("setup_test_sent", address=config.contact))


def _confirm(
    request: web.Request, session: Session, state: Invitations, status: int = 200, said: str = ""
) -> web.Response:
    return render(
        request,
        "setup_invite_confirm.html",
        status,
        state=state,
        said=said,
        **_context(request, session, "invite"),
    )


@organiser_page
async def send_all(request: web.Request, session: Session, form: Form) -> web.StreamResponse:
    """Without `confirmed` (the number and the address the organiser saw) only the
    confirmation; nothing is sent from a page that saw another number or address (409), nor
    with a test-only address unless `test` is ticked (422)."""
    t = translator(_language(request))
    state = await _state(request)
    if state is None:
        return await _invite(request, session, 409)
    if "confirmed" not in form:
        return _confirm(request, session, state)
    seen = (str(form.get("confirmed", "")), str(form.get("address", "")))
    if seen != (str(state.to_send), state.base_url):
        said = t("setup_confirm_changed", seen=seen[0], now=state.to_send)
        return _confirm(request, session, state, 409, said)
    if state.test_only and form.get("test") != "yes":
        return _confirm(request, session, state, 422, t("setup_confirm_not_test"))
    await request.app[MAIL].invite(None, resend=False)
    raise web.HTTPSeeOther("/board/setup/invite#state")


@organiser_page
async def resend_failed(request: web.Request, session: Session, form: Form) -> web.StreamResponse:
    """The failed ones again (a failed record is claimed again without `resend`, so one sent
    meanwhile is not mailed twice); the same test-only rule as sending."""
    t = translator(_language(request))
    state = await _state(request)
    if state is None:
        return await _invite(request, session, 409)
    if state.test_only and form.get("test") != "yes":
        return await _invite(request, session, 422, t("setup_confirm_not_test"))
    if state.failed:
        await request.app[MAIL].invite(state.failed, resend=False)
    raise web.HTTPSeeOther("/board/setup/invite#state")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/board/setup/invite", invite_page),
        web.post("/board/setup/invite/test", invite_test),
        web.post("/board/setup/invite/send", send_all),
        web.post("/board/setup/invite/resend", resend_failed),
    ]
