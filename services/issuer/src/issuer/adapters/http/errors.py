"""The issuer's one table from domain exceptions to API errors (status, title, pointer, meta).

Use cases and domain rules raise :mod:`connect_shared.domain_errors`; the shared
``domain_errors`` middleware and the dashboard answer them through this table.
"""

from __future__ import annotations

from connect_shared.domain_errors import InvalidValue, NotAllowed, NotVisible, WrongState
from connect_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from connect_shared.http.error_table import error_table
from issuer.usecases.share_tokens import ShareTokenExists

ISSUER_ERRORS = error_table(
    {
        NotVisible: NotFound,  # 404: missing or another organization's
        NotAllowed: Forbidden,  # 403: the wrong side of a visible record
        WrongState: Conflict,  # 409 with meta.status
        ShareTokenExists: Conflict,  # 409 with meta.id (a workflow run's token)
        InvalidValue: Unprocessable,  # 422 pointing at /data/attributes/<field>
    }
)
