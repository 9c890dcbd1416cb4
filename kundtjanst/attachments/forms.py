"""The file field of a form that takes files (the public question form): it reads the
files sent under its name (a form names it in ``BaseForm.file_fields``) and refuses,
with a message for the error summary, more files or larger ones than a ticket may hold.
"""

from __future__ import annotations

from flask import current_app
from werkzeug.datastructures import FileStorage
from wtforms import MultipleFileField
from wtforms.validators import StopValidation

from ..lazytext import lazy_gettext as _l
from . import rules
from .rules import Part


def limits() -> rules.Limits:
    return rules.Limits.of(current_app.config)


class AttachmentsField(MultipleFileField):
    """Files chosen in one ``<input type="file" multiple>``; ``files`` are the `Part`s
    to store once the form is valid. A file input left empty sends an unnamed, empty
    part: that is no file."""

    def process_formdata(self, valuelist) -> None:
        parts = (
            Part.of_stream(v.filename, v.stream) for v in valuelist if isinstance(v, FileStorage)
        )
        self.files = [p for p in parts if p.filename or p.size]
        self.data = self.files

    def process_data(self, value) -> None:
        self.files = []
        self.data = []

    def pre_validate(self, form) -> None:
        chosen = limits()
        _kept, refused = rules.within(chosen, [p.size for p in self.files])
        messages = []
        if any(r.reason == "too_many" for r in refused):
            messages.append(
                _l(
                    "You chose %(chosen)d files. Attach at most %(count)d.",
                    chosen=len(self.files),
                    count=chosen.max_files,
                )
            )
        for r in refused:
            if r.reason == "too_large":
                part = self.files[r.index]
                messages.append(
                    _l(
                        "%(name)s is too large (%(size)s). A file may be at most %(max)s.",
                        name=rules.safe_filename(part.filename),
                        size=rules.human_size(part.size),
                        max=rules.human_size(chosen.max_file_bytes),
                    )
                )
        if any(r.reason == "over_total" for r in refused):
            messages.append(
                _l(
                    "The files are too large together (%(size)s). Together they may be at "
                    "most %(max)s.",
                    size=rules.human_size(sum(p.size for p in self.files)),
                    max=rules.human_size(chosen.max_total_bytes),
                )
            )
        if messages:
            self.errors.extend(messages)  # every one, for the error summary
            raise StopValidation()


def hint() -> str:
    """What the field takes, said next to it."""
    chosen = limits()
    return _l(
        "Optional. Up to %(count)d files, at most %(file)s each and %(total)s together, "
        "for example photos, PDF or Word documents.",
        count=chosen.max_files,
        file=rules.human_size(chosen.max_file_bytes),
        total=rules.human_size(chosen.max_total_bytes),
    )
