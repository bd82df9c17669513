"""What the register is given for a filled form, and what it gives back to print.

The register (``builder.register``) takes plain data; this module turns a form's spec and
its validated values into that data (:func:`issue_args`) and a reprint's stored snapshot
back into a spec to draw (:func:`spec_of_snapshot`). It does not import the register: the
CLI and the web app hold one and call ``reg.issue(**issue_args(spec, values), issued_by=…)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from builder.core.formspec import FormSpec

#: the computed field that holds a form's 回访 due date (``builder.forms.rules``)
REVISIT_DUE_FIELD = "revisit_due"


def due_of(values: Mapping[str, Any]) -> dt.date | None:
    """The 回访 due date the form's rules computed, if the form has one and it is filled."""
    due = values.get(REVISIT_DUE_FIELD)
    return due if isinstance(due, dt.date) and not isinstance(due, dt.datetime) else None


def issue_args(spec: FormSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for ``Register.issue`` (and, as a dict, ``IssueRequest``)."""
    return {"form_id": spec.id, "form_code": spec.code, "form_title": spec.title,
            "spec": spec.model_dump(mode="json"), "values": dict(values), "due": due_of(values)}


def spec_of_snapshot(snapshot: Mapping[str, Any]) -> FormSpec:
    """The spec a record was issued with, as the register stored it."""
    return FormSpec.model_validate(dict(snapshot))
