"""The security headers every page carries, and each page's Content-Security-Policy: scripts
and frames only from ourselves and the video rooms it embeds."""

from __future__ import annotations

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def csp(jitsi_origin: str = "", frame_origin: str = "") -> str:
    """Scripts and frames only from ourselves and the configured Jitsi (the board: none);
    `frame_origin` may be framed too (a BigBlueButton server with `[bbb] embed = true`,
    reached through /go on our own origin)."""
    others = f" {jitsi_origin}" if jitsi_origin else ""
    framed = (f" 'self' {frame_origin}" if frame_origin else "") + others
    frames = framed or " 'none'"
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        f"script-src 'self'{others}; frame-src{frames}; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


CSP = "Content-Security-Policy"
# An answer that sets its own CSP sets SECURITY_HEADERS too (edge/guard.py relies on it).
DEFAULT_SECURITY = {**SECURITY_HEADERS, CSP: csp()}
