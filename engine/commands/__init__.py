"""CLI command groups; each module's ``register(subparsers)`` adds its parsers (see ``sentido.engine.cli``)."""
