"""Sentido's trained model bundles, one folder each (``plugin.toml`` + safetensors weights + ``tokenizer.json``).

Installed, this folder is the data-only ``sentido_models`` package of the ``sentido-models`` distribution
(built from ``resources/models/pyproject.toml``). Sentido finds it through ``sentido.engine.paths``; nothing here
is imported for the models' sake: they are data, read by the engine.
"""
