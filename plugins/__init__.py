"""Sentido's built-in architectures. Each is an ordinary plugin (a ``plugin.toml`` plus a small module),
registered through the ``sentido.plugins`` entry-point group exactly like a third-party package."""
