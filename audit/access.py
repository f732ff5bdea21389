from __future__ import annotations

from django.core.exceptions import PermissionDenied

from organisations.access import scope_for


def require_auditor(user) -> None:
    """Only the security auditor role reads the audit log (not office staff, not leaders, not
    the system administrator's daily work)."""
    if not scope_for(user).is_auditor:
        raise PermissionDenied
