"""Sentido: sentiment and text analysis with recurrent neural networks.

The code lives in the sub-packages: ``sentido.engine`` (the headless core and the Python API),
``sentido.plugins`` (the built-in architectures) and ``sentido.desktop`` (the Qt window).

>>> from sentido.engine import Engine    # doctest: +SKIP
"""
