"""How Android files each permission: runtime (asked for), install-time (granted silently) or special
access (an app-op the person switches on in Settings), and which app-op records its use. The tables are
data (device/data/permissions.yml)."""

from __future__ import annotations

from stalkerlab.simulator.tables import table

P = "android.permission."
_TABLE = table("device", "permissions")

RUNTIME = frozenset(P + name for name in _TABLE["runtime"])
SPECIAL_ACCESS = {P + name: op for name, op in _TABLE["special_access"].items()}
OP_OF_PERMISSION = {P + name: op for name, op in _TABLE["op_of_permission"].items()}
ORDINARY_APP_OPS = frozenset(_TABLE["ordinary_app_ops"])
GRANTED_FLAGS = _TABLE["flags"]["granted"]
DENIED_FLAGS = _TABLE["flags"]["denied"]


def split_permissions(requested: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(install-time, runtime, special-access) parts of a requested list, in the requested order."""
    install, runtime, special = [], [], []
    for perm in requested:
        if perm in SPECIAL_ACCESS:
            special.append(perm)
        elif perm in RUNTIME:
            runtime.append(perm)
        else:
            install.append(perm)
    return tuple(install), tuple(runtime), tuple(special)
