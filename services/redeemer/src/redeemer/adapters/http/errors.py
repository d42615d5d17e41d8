"""The redeemer's one table from domain exceptions to API errors (status, title, pointer, meta).

The redeem use case and the domain rules raise :mod:`connect_shared.domain_errors`; the shared
``domain_errors`` middleware, the dashboard and the workflow executor answer them through it.
"""

from __future__ import annotations

from connect_shared.domain_errors import InvalidValue, NotAllowed, NotVisible, WrongState
from connect_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from connect_shared.http.error_table import error_table

REDEEMER_ERRORS = error_table(
    {
        NotVisible: NotFound,  # 404: no such token for the caller
        NotAllowed: Forbidden,  # 403
        WrongState: Conflict,  # 409 with meta.status: redeemed, expired, failed, pending
        InvalidValue: Unprocessable,  # 422, pointing at the attribute when one is to blame
    }
)
