"""docs/plugins.md documents every manifest field the schema has."""

from pathlib import Path

from sentido.engine.manifest import ArchitectureSpec, ModelSpec, PluginInfo

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def test_every_manifest_field_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for cls in (PluginInfo, ArchitectureSpec, ModelSpec):
        for name, field in cls.model_fields.items():
            assert f"| `{name}` |" in text, f"{cls.__name__}.{name} is missing from docs/plugins.md"
            assert field.description in text, f"description of {cls.__name__}.{name} differs from the schema"
