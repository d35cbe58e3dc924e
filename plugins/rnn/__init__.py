"""Built-in RNN architecture plugin (manifest: plugin.toml; code: model.py, imported on first use)."""
