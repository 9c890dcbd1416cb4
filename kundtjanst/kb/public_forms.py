"""The citizens' search form on /fragor-och-svar (a GET form: no CSRF token)."""

from __future__ import annotations

from ..forms import BaseForm, IdSelectField, line_field
from ..lazytext import lazy_gettext as _l

QUERY_MAX = 200


class PublicSearchForm(BaseForm):
    """Words and, if the citizen likes, one subject area."""

    class Meta:
        csrf = False

    q = line_field(_l("Search questions and answers"), max_length=QUERY_MAX)
    category = IdSelectField(_l("Subject area"))
