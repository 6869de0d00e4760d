"""Users: creation and authentication."""

from __future__ import annotations

from functools import cache

from sqlmodel import Session, select

from ..models import ROLES, User, Workspace, utcnow
from ..passwords import hash_password, verify_password


@cache
def dummy_hash() -> str:
    """A real hash, verified when the email is unknown so that response time does not reveal
    which emails have accounts. Made on first use: hashing costs ~0.15 s, which every start
    (`tracker --help`, each worker) would otherwise pay."""
    return hash_password("not-a-real-password")


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str = "manager",
    workspace: Workspace,
    brand_id: int | None = None,
    name: str = "",
) -> User:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    if len(password) < 8:
        raise ValueError("The password must have at least 8 characters.")
    email = email.strip().lower()
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise ValueError(f"A user with the email {email} already exists.")
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        workspace_id=workspace.id,
        brand_id=brand_id,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    dummy = dummy_hash()  # made before the lookup: the first sign-in is as slow either way
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.is_active:
        verify_password(dummy, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    return user
