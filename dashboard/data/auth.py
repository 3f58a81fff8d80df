"""Who is looking: the sign-in (st.login, when the secrets hold an [auth] section) and the viewer."""

from __future__ import annotations

import duckdb
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from pipelines.advisors.clients import LOCAL_VIEWER, Viewer, resolve_viewer
from pipelines.errors import DatabaseError

# signed in, but not (or no longer) in the access table: sees nothing
NOBODY = Viewer(principal="", role="none", clients=())


def auth_configured() -> bool:
    """True when the secrets hold an [auth] section: the dashboard then runs behind st.login.

    A secrets file that cannot be parsed is an error, not "no login": failing open would show
    every client to whoever opens the page."""
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError as e:
        if "No secrets found" in str(e):
            return False
        raise DatabaseError(f"the dashboard's secrets file cannot be read: {e}") from e


def signed_in_email() -> str | None:
    """The e-mail the identity provider vouches for, or None (not signed in, or not verified)."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    if user.get("email_verified") is False:
        return None  # an address the provider has not verified could be anyone's
    email = str(user.get("email") or "").strip()
    return email or None


def _current_viewer(con: duckdb.DuckDBPyConnection) -> Viewer:
    """The local user without a login; else the signed-in person as the access table has them,
    looked up on every run so that a revoked grant takes effect at once. Never from the URL."""
    if not auth_configured():
        return LOCAL_VIEWER
    email = signed_in_email()
    return NOBODY if email is None else resolve_viewer(con, email)
