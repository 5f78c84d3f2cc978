"""The plugin's options, as they appear under ``plugins: - modelspec:`` in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as opt

from .loading import DEFAULT_MAX_FILE_SIZE


class _Paths(base.BaseConfigOption[list[str]]):
    """One string or a list of strings (``specs`` or ``[services/a, services/b]``)."""

    def __init__(self, default: list[str]) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise base.ValidationError("expected a non-empty string or a list of them")
        return list(value)


class ModelSpecConfig(base.Config):
    enabled = opt.Type(bool, default=True)
    """Turn the plugin off (for a quick build of the handwritten pages)."""
    specs_dir = _Paths(default=["specs"])
    """Folder(s) holding the spec files, relative to mkdocs.yml. A list suits monorepos
    that keep each spec beside its model's code."""
    prefix = opt.Type(str, default="models/")
    """Folder of the generated pages in the site (``models/`` gives ``/models/...``)."""
    team = _Paths(default=["labels.team"])
    """Where a model's team is read, first match wins: ``labels.KEY``,
    ``annotations.KEY``, or a path in the spec (``governance.compliance.governance.owner``)."""
    owner = _Paths(default=["annotations.owner", "governance.compliance.governance.owner"])
    """Where a model's owner is read, first match wins."""
    contact = _Paths(default=["annotations.supportChannel"])
    """Where a model's contact (a channel, an address) is read, first match wins."""
    custom_templates = opt.Optional(opt.Dir(exists=True))
    """A folder whose files override the packaged templates of the same name."""
    nav_models = opt.Type(bool, default=False)
    """List every model page in the navigation, grouped by team. Off by default: with
    many models, a navigation that lists them all makes every page large and slow."""
    max_file_size = opt.Type(int, default=DEFAULT_MAX_FILE_SIZE)
    """Largest spec file read, in bytes."""
    graph_split_at = opt.Type(int, default=60)
    """Past this many models, the catalog graph is drawn one group at a time."""
