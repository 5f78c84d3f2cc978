"""Diagnostics for CI systems: SARIF 2.1.0 (code scanning) and GitHub workflow commands
(annotations on the file and line), as ``modelspec validate --format sarif|github``
prints them.

Both say what the text output says, one result per diagnostic: the rule is the
diagnostic's code, the level its severity, the location its file, line and column
(a problem of a whole file, line 0, has no line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from . import __version__
from .diagnostics import Code, Diagnostic, printable, severity_of

#: Where the SARIF 2.1.0 schema is published (SchemaStore's copy of the OASIS schema).
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
#: The base that every artifact URI is relative to: the folder the command ran in
#: (the repository, in CI). Left undefined in the log, so that no machine path is
#: written: code scanning resolves it to the checkout.
SOURCE_ROOT = "%SRCROOT%"


def sarif(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run of ``modelspec validate``."""
    codes = sorted({d.code for d in diagnostics}, key=lambda c: c.value)
    index = {code: i for i, code in enumerate(codes)}
    results = []
    for diagnostic in diagnostics:
        result: dict[str, Any] = {
            "ruleId": diagnostic.code.value,
            "ruleIndex": index[diagnostic.code],
            "level": diagnostic.severity.value,  # "error" and "warning" are SARIF levels
            "message": {"text": printable(diagnostic.text())},
            "locations": [{"physicalLocation": _physical(diagnostic)}],
        }
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "modelspec",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule(code) for code in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _rule(code: Code) -> dict[str, Any]:
    words = code.value.replace("-", " ")
    return {
        "id": code.value,
        "name": "".join(word.capitalize() for word in code.value.split("-")),
        "shortDescription": {"text": words[0].upper() + words[1:]},
        "defaultConfiguration": {"level": severity_of(code).value},
    }


def _physical(diagnostic: Diagnostic) -> dict[str, Any]:
    path = diagnostic.file
    # A URI: spaces, '#', '%' and letters outside ASCII percent-encoded (the bytes of
    # a file name that is not UTF-8 as the bytes they are).
    uri = quote(path.encode("utf-8", "surrogateescape"), safe="/")
    artifact: dict[str, Any] = {"uri": uri}
    if not path.startswith("/"):
        artifact["uriBaseId"] = SOURCE_ROOT
    else:
        artifact["uri"] = "file://" + uri
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if diagnostic.line > 0:
        region = {"startLine": diagnostic.line}
        if diagnostic.column > 0:
            region["startColumn"] = diagnostic.column
        physical["region"] = region
    return physical


def github(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """One workflow command per diagnostic: ``::error file=F,line=L,col=C,title=T::M``.

    GitHub turns each into an annotation on the file and line of the pull request.
    Values are escaped as the workflow-command syntax asks (``%``, CR and LF in the
    message; those and ``:`` and ``,`` in a property), then any other control
    character is shown escaped, so no value from a spec can end the command early,
    start a command of its own, or colour the log.
    """
    lines = []
    for diagnostic in diagnostics:
        properties = [("file", diagnostic.file)]
        if diagnostic.line > 0:
            properties.append(("line", str(diagnostic.line)))
            if diagnostic.column > 0:
                properties.append(("col", str(diagnostic.column)))
        properties.append(("title", f"modelspec [{diagnostic.code.value}]"))
        shown = ",".join(f"{key}={_property(value)}" for key, value in properties)
        lines.append(f"::{diagnostic.severity.value} {shown}::{_data(diagnostic.text())}")
    return lines


def _data(text: str) -> str:
    """A command's message: ``%``, CR and LF escaped as GitHub reads them back."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    """A property value: as a message, and ``:`` and ``,`` (which end it) escaped too."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
