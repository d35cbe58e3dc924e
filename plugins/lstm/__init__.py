"""Built-in LSTM architecture plugin (manifest: plugin.toml; code: model.py, imported on first use)."""
